"""What the Lambda's times mean, and which of its days make up one of ours.

The service stores show times in PostgreSQL and answers them with a ``+00:00`` label; its
``date`` parameter selects a day of that clock (``start_time >= date`` and ``< date + 1``).
Whether the label tells the truth depends on how the data was entered
(``BMS_API_TIMES``):

- ``utc``: the times are true UTC instants (the service's documentation). An India day
  (IST, UTC+05:30) then spans two of the service's days: 26 Nov IST is 25 Nov 18:30 UTC
  to 26 Nov 18:30 UTC.
- ``local``: the times are the site's wall-clock times (``TIME_ZONE``, India) labelled
  ``+00:00`` by mistake, as the service's own data generator writes them (a 10:00 show
  arrives as ``10:00:00+00:00``). Each is read as that wall-clock time in India, and the
  service's day is then the India day itself.
"""

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo


class TimeLabels(StrEnum):
    UTC = "utc"
    LOCAL = "local"


class ServiceTimes:
    def __init__(self, *, labels: TimeLabels, site_zone: str):
        self.labels = labels
        self.site_zone = ZoneInfo(site_zone)
        # The clock the service's stored times and its `date` parameter really run on.
        self.service_zone: tzinfo = UTC if labels is TimeLabels.UTC else self.site_zone

    def read(self, value: str) -> datetime:
        """A time the service sent, as an aware instant. Raises ``ValueError``."""
        moment = datetime.fromisoformat(value)
        if self.labels is TimeLabels.LOCAL:
            return moment.replace(tzinfo=self.site_zone)  # the label is wrong; the clock is right
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    def site_day(self, moment: datetime) -> date:
        """The day on the site (India) on which ``moment`` falls."""
        return moment.astimezone(self.site_zone).date()

    def service_days(self, day: date) -> tuple[date, ...]:
        """The service's days that overlap the site's ``day``: ask for each of them and
        keep the shows that start on ``day``."""
        start = datetime.combine(day, time.min, tzinfo=self.site_zone)
        last = datetime.combine(day + timedelta(days=1), time.min, tzinfo=self.site_zone)
        first_day = start.astimezone(self.service_zone).date()
        last_day = (last - timedelta(microseconds=1)).astimezone(self.service_zone).date()
        return tuple(first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1))
