from django import forms

from booking.domain import Customer, indian_mobile
from bookmyshow.text import no_control_characters


class CustomerForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Full name",
        validators=[no_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        max_length=254, label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        max_length=20,
        label="Mobile number",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "tel-national",
                "inputmode": "tel",
                "pattern": r"(\+91)?[\s\-]*[6-9]([\s\-]*\d){9}",
                "title": "A 10-digit Indian mobile number, like 98765 43210",
            }
        ),
    )

    def clean_phone(self) -> str:
        try:
            return indian_mobile(self.cleaned_data["phone"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def customer(self) -> Customer:
        return Customer(**self.cleaned_data)
