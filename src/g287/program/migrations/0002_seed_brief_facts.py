"""First rows: the federal appropriation years the CRS In Focus brief states, and starting capacity limits.

The brief (CRS In Focus "The 287(g) Program", Figure 1, source: DHS 287(g) End-of-Year Report, June 24, 2020)
says FY2006 was the first year the program received federal appropriations and that they decreased in FY2014
after the Task Force and Hybrid models were discontinued in FY2013. Its text gives no dollar amounts (they are
only drawn in the figure), so the amounts are left empty here rather than guessed; the program office enters
them from the source.
"""

from datetime import date

from django.db import migrations

BRIEF = "CRS In Focus, The 287(g) Program, Figure 1 (DHS 287(g) End-of-Year Report, June 24, 2020)"
NOTES = {
    2006: "First fiscal year in which the 287(g) program received federal appropriations (the brief).",
    2013: "Task Force and Hybrid models discontinued; the last of those agreements expired on December 31, 2012 "
          "(the brief).",
    2014: "Appropriations decreased from this year, after the Task Force and Hybrid models ended (the brief).",
}
FIRST, LAST = 2006, 2020  # the brief's figure comes from the June 2020 report


def seed(apps, schema_editor):
    Appropriation = apps.get_model("program", "Appropriation")
    CapacityLimits = apps.get_model("program", "CapacityLimits")
    for fy in range(FIRST, LAST + 1):
        Appropriation.objects.get_or_create(
            fiscal_year=fy,
            defaults={"amount": None, "source": BRIEF,
                      "note": NOTES.get(fy, "Appropriated (the brief: appropriations since FY2006).")
                      + " The amount is shown only in the brief's figure, not its text: enter it from the source."},
        )
    CapacityLimits.objects.get_or_create(
        effective=date(2002, 1, 1),
        defaults={"max_officers_per_supervisor": 30, "training_window_days": 90, "max_pending_installations": 20,
                  "note": "Starting limits; the program office sets its own (docs/decisions.md, Program management)."},
    )


def unseed(apps, schema_editor):
    apps.get_model("program", "Appropriation").objects.filter(source=BRIEF, amount__isnull=True).delete()
    apps.get_model("program", "CapacityLimits").objects.filter(effective=date(2002, 1, 1)).delete()


class Migration(migrations.Migration):
    dependencies = [("program", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
