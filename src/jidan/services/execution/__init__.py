"""Execution (D1–F2), one module per job:

- ``tasks``: the task record's view and the plan in force that places tasks not started yet;
- ``release``: the order's tasks made from the accepted plan on release (D1);
- ``production_notice``: the notice to each work group's leader, its acknowledgements, the print (D1, D2);
- ``leaders``: who leads each work group (D2);
- ``reports``: operators' start / pause / resume / finish (E1);
- ``boards``: the work-center screens (E1);
- ``progress``: the forecast, the late alert to pmc and its timer (E2);
- ``customer_updates``: the progress e-mail to the customer, on request and at milestones (E3);
- ``exceptions``: process exception reports, re-plan, management's decision (E4, E5);
- ``quality``: inspections, rework and replacement, the final inspection before receipt (F1, F2).
"""
