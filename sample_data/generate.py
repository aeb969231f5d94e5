"""Generate Lekgotla's sample data: a strategy register and six months of status reports.

Run ``python sample_data/generate.py``; files are written next to this script. The output
is deterministic (random.Random(2025), fixed workbook timestamps), so re-running it gives
byte-identical files. See README.md in this folder for the story the data tells.

Each action below has a *track*: six tokens, one per month 2025-01..2025-06.
``.`` = not in that month's report; otherwise STATUS + percent, where STATUS is
NS Not started, IP In progress, AR At risk, DL Delayed, OH On hold, C Completed,
X Cancelled. A trailing ``!`` leaves the reason cell empty (a warning by design);
a trailing ``?`` leaves the completion date empty on a Completed row.
"""

from __future__ import annotations

import calendar
import csv
import io
import random
import re
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
PERIODS = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
FIXED_TIME = datetime(2025, 7, 1, 8, 0, 0)
DOMAIN = "lekgotla.example"

OBJECTIVES = [  # objective_id, objective, pillar, owner, priority
    ("SO1", "Reduce turnaround time on client service requests to 5 working days", "Service delivery", "Operations", 1),
    ("SO2", "Raise client satisfaction to 85% in the annual survey", "Service delivery", "Operations", 2),
    ("SO3", "Achieve a clean audit outcome and full regulatory compliance", "Financial sustainability", "Finance", 1),
    ("SO4", "Keep operating expenditure within 2% of the approved budget", "Financial sustainability", "Finance", 1),
    ("SO5", "Diversify revenue through partnerships and new service lines", "Financial sustainability", "Strategy and Planning", 3),
    ("SO6", "Fill critical vacancies within 90 days", "People and culture", "Human Resources", 2),
    ("SO7", "Build leadership and technical skills through accredited training", "People and culture", "Human Resources", 2),
    ("SO8", "Digitise core business processes end to end", "Digital transformation", "Information Technology", 1),
    ("SO9", "Strengthen cyber security and the protection of personal information (POPIA)", "Digital transformation", "Information Technology", 1),
    ("SO10", "Build an engaged, healthy workforce that lives the organisation's values", "People and culture", "Human Resources", 3),
]

INITIATIVES = [  # initiative_id, name, objective, lead department, member departments, target date
    ("INI-01", "Service centre capacity", "SO1", "Operations", "Operations; Human Resources; Information Technology",
     date(2025, 9, 30)),
    ("INI-02", "Annual report FY2025", "SO3", "Finance", "Finance; Marketing and Communications", date(2025, 8, 31)),
]

DEPARTMENTS = [  # department, head
    ("Finance", "Nomvula Dlamini"),
    ("Human Resources", "Pieter van der Merwe"),
    ("Operations", "Sipho Ndlovu"),
    ("Information Technology", "Lerato Mokoena"),
    ("Marketing and Communications", "Zoë Pillay"),
    ("Legal and Compliance", "Thandiwe Khumalo"),
    ("Strategy and Planning", "Ayanda Mthembu"),
]

# Action tables: (id, action, objective_id, responsible, budget, start, due, track, options)
# options: moves {month index: new due}, metric (name, baseline, target, direction),
#          over (spend ratio at 100% - an overrun), q (quality when completed),
#          reason (default reason code), res (resources), risk (text, level, mitigation),
#          note {month index: comment}, extra (value of the department's unknown column)
ACTIONS = {
    "Finance": [
        ("FIN-01", "Clear prior-year audit findings on the asset register", "SO3", "Kagiso Molefe", 450000, "2025-01-06", "2025-03-31",
         "IP25 IP50 AR80 C100 C100 C100", dict(metric=("Open audit findings", 14, 3, "decrease"), reason="Blocked by dependency",
         risk=("Regional asset counts not yet received from Operations", "High", "Escalate to COO; deploy Finance interns to count"), note={2: "Waiting for the regional asset counts from Operations"})),
        ("FIN-02", "Introduce monthly budget variance reports for all cost centres", "SO4", "Naledi Sithole", 120000, "2025-01-13", "2025-02-28",
         "IP40 C100 C100 C100 C100 C100", dict(metric=("Cost centres reporting monthly", 6, 24, "increase"))),
        ("FIN-03", "Reduce supplier payment turnaround to 30 days", "SO4", "Ruan Pretorius", 250000, "2025-01-06", "2025-06-30",
         "IP10 IP20 IP35 IP45 IP60 IP75", dict(metric=("Average days to pay suppliers", 52, 30, "decrease"))),
        ("FIN-04", "Upgrade the financial system to the vendor's cloud release", "SO8", "Priya Govender", 1850000, "2025-02-03", "2025-05-31",
         "NS0 IP15 IP35 DL50 DL65 IP85", dict(moves={4: "2025-07-31"}, over=1.25, reason="Blocked by resources",
         risk=("Vendor consultants over-booked; change requests add cost", "High", "Fixed-price change order negotiated"), note={4: "Go-live moved to July after data migration rework", 5: "Spend exceeds budget; virement requested from EXCO"})),
        ("FIN-05", "Prepare interim financial statements for the half-year", "SO3", "Kagiso Molefe", 90000, "2025-04-07", "2025-07-31",
         ". . . IP5 IP30 IP55", dict(ini="INI-02")),
        ("FIN-06", "Roll out the procurement compliance checklist to all buyers", "SO3", "Yusuf Ebrahim", 60000, "2025-01-20", "2025-03-31",
         "IP30 IP60 C100 C100 C100 C100", dict(q="Partially meets", note={2: "Two regional buyers still to be trained"})),
        ("FIN-07", "Recover outstanding debtors older than 90 days", "SO4", "Themba Zulu", 80000, "2025-01-06", "2025-06-30",
         "IP15 IP25 AR30 AR35! IP50 IP65", dict(metric=("Debtors over 90 days (R million)", 9.8, 4.5, "decrease"), reason="Other")),
        ("FIN-08", "Review the delegations of financial authority", "SO3", "Naledi Sithole", None, "2025-02-03", "2025-04-30",
         ". NS0 IP40 IP90 C100 C100", dict(res="Internal staff time", q="Meets")),
        ("FIN-09", "Conduct asset verification at all regional offices", "SO3", "Tshepo Baloyi", 300000, "2025-04-01", "2025-06-30",
         ". . . IP10 IP45 C100", {}),
        ("FIN-10", "Train cost-centre managers on the budget module", "SO7", "Priya Govender", 95000, "2025-01-13", "2025-03-14",
         "IP20 IP70 C100 C100 C100 C100", dict(metric=("Managers trained", 0, 40, "increase"))),
        ("FIN-11", "Develop a three-year cost-containment plan", "SO4", "Nomvula Dlamini", 150000, "2025-01-06", "2025-05-30",
         "IP10 IP25 IP40 IP60 C100 C100", dict(q="Meets")),
    ],
    "Human Resources": [
        (1.1, "Fill 12 critical vacancies in Operations and IT", "SO6", "Lindiwe Mahlangu", 350000, "2025-01-06", "2025-06-30",
         "IP10 IP25 IP40 AR45 IP60 IP75", dict(dep="Information Technology: ICT-07", ini="INI-01", metric=("Critical vacancies filled", 0, 12, "increase"), reason="Blocked by dependency",
         note={3: "Awaiting budget confirmation for four posts"})),
        (1.2, "Shorten recruitment so posts are filled within 90 days", "SO6", "Lindiwe Mahlangu", 80000, "2025-01-13", "2025-05-30",
         "IP15 IP30 IP50 IP65 IP80 DL90", dict(metric=("Posts filled within 90 days (%)", 45, 80, "increase"), reason="Blocked by resources")),
        (1.3, "Payroll audit", "SO3", "Mpho Maseko", 45000, "2025-02-03", "2025-03-31", ". IP30 C100 C100 C100 C100", dict(q="Meets")),
        (1.4, "Introduce exit interviews for all resignations", "SO6", "Anele Cele", None, "2025-01-06", "2025-02-28",
         "IP50 C100 C100 C100 C100 C100", dict(res="HR officers' time", q="Meets")),
        (2.1, "Review the employee wellness programme with the service provider", "SO10", "Karabo Radebe", 60000, "2025-01-13", "2025-04-30",
         "IP15 IP30 IP30 IP30 IP30 IP45", dict(note={2: "Meeting with provider rescheduled", 3: "Meeting with provider rescheduled", 4: "No update"})),
        (2.2, "Roll out the leadership development programme for middle managers", "SO7", "Karabo Radebe", 650000, "2025-02-03", "2025-11-28",
         "NS0 IP10 IP20 IP25 OH25 OH25", dict(reason="Postponed", note={4: "Paused until the mid-year budget adjustment"})),
        (2.3, "Conduct the annual employee engagement survey", "SO10", "Anele Cele", 120000, "2025-03-03", "2025-04-30",
         ". . IP40 C100 C100 C100", dict(metric=("Survey response rate (%)", 0, 70, "increase"), q="Partially meets")),
        (2.4, "Implement the e-recruitment module with IT", "SO8", "Mpho Maseko", 280000, "2025-01-13", "2025-03-31",
         "IP20 IP40 DL55 DL70 IP90 C100", dict(reason="Blocked by dependency", q="Does not meet",
         risk=("Depends on IT integration with the payroll system", "Medium", "Joint HR/IT project meetings every Tuesday"))),
        (3.1, "Submit the employment equity report (EEA2) to the Department of Employment and Labour", None, "Anele Cele", 40000, "2025-01-06", "2025-01-15",
         "C100 C100 . . . .", dict(q="Meets")),
        (3.2, "Train 150 staff on POPIA and information security", "SO9", "Mpho Maseko", 180000, "2025-02-03", "2025-06-30",
         "NS0 IP10 IP25 IP45 IP70 C100", dict(metric=("Staff trained", 0, 150, "increase"), q="Meets")),
        (3.3, "Update the workplace skills plan for submission to the SETA", "SO7", "Karabo Radebe", 30000, "2025-03-03", "2025-04-30",
         ". . IP50 C100 C100 C100", dict(q="Meets")),
    ],
    "Operations": [
        ("OPS-01", "Reduce turnaround on service requests to 5 working days", "SO1", "Bongani Shabalala", 900000, "2025-01-06", "End of Q2",
         "IP10 IP20 IP35 IP45 IP55 IP70", dict(dep="Human Resources: 1.1", ini="INI-01", metric=("Average turnaround (working days)", 11, 5, "decrease"), extra="All regions")),
        ("OPS-02", "Refurbish customer service counters at three regional offices", "SO2", "Refilwe Modise", 1200000, "2025-01-13", "End of March",
         "IP20 IP40 DL55 DL70 IP85 C100", dict(moves={2: "End of May", 4: "Week 2 (June)"}, over=1.12, reason="Blocked by resources", extra="Gauteng, KZN, Eastern Cape",
         risk=("Contractor capacity and late delivery of counters", "Medium", "Penalty clause enforced; second contractor on standby"), note={2: "Contractor behind schedule; new date agreed", 5: "Handed over; final invoice above budget"})),
        ("OPS-03", "Replace 15 fleet vehicles that are past their service life", "SO1", "Riaan Steyn", 3400000, "2025-02-03", "End of Q3",
         "NS0 IP5 OH5 OH5 IP20 IP35", dict(reason="Blocked by resources", extra="All regions", note={2: "Procurement paused pending budget reprioritisation"})),
        ("OPS-04", "Weekly site inspections at all depots", "SO1", "Riaan Steyn", 40000, "2025-02-03", "Week 2 and Week 4 (February)",
         "NS0 C100 C100 C100 C100 C100", dict(extra="All regions")),
        ("OPS-05", "Develop a business continuity plan for the call centre", "SO1", "Bongani Shabalala", 150000, "2025-01-06", "End of Q1",
         "IP30 IP60 AR75 C100 C100 C100", dict(reason="Blocked by dependency", extra="Head office", note={2: "Waiting for IT disaster recovery inputs"})),
        ("OPS-06", "Standardise operating procedures across all depots", "SO1", "Sizwe Hadebe", 90000, "2025-01-06", "Ongoing",
         "IP10 IP20 IP30 IP40 IP50 IP60", dict(extra="All regions")),
        ("OPS-07", "Pilot a queue management system at head office", "SO2", "Sizwe Hadebe", 420000, "2025-01-20", "End of April",
         "IP10 IP30 X30 . . .", dict(extra="Head office", note={2: "Dropped at the Q1 lekgotla; replaced by IT's online booking system (ICT-10)"})),
        ("OPS-08", "Cut water and electricity use at depots by 10%", "SO12", "Dineo Tau", 200000, "2025-01-06", "End of Q2",
         "IP10 IP20 IP30 IP45 IP55 IP70", dict(metric=("Monthly utility cost (R'000)", 600, 540, "decrease"), extra="All regions")),
        ("OPS-09", "Survey client satisfaction at all service points", "SO2", "Refilwe Modise", 75000, "2025-04-07", "Week 3 (May)",
         ". . . IP30 C100 C100", dict(metric=("Client satisfaction (%)", 74, 85, "increase"), extra="All regions")),
        ("OPS-10", "Train frontline staff on complaints handling", "SO2", "Dineo Tau", 130000, "2025-04-14", "End of June",
         ". . . NS0 IP40 IP100", dict(extra="All regions", note={5: "Training done; awaiting attendance registers before sign-off"})),
        ("OPS-11", "Roll out digital job cards for maintenance teams", "SO8", "Sizwe Hadebe", 600000, "2025-01-13", "Week 4 (April)",
         "IP15 IP30 IP45 IP60 AR70 AR80", dict(reason="Blocked by resources", extra="Gauteng, Western Cape",
         risk=("Tablets for technicians not yet delivered", "High", "Borrow devices from the IT pool"))),
    ],
    "Information Technology": [
        ("ICT-01", "Migrate email and file shares to the cloud", "SO8", "Fatima Patel", 1500000, "2025-01-06", "2025-03-31",
         "IP20 IP40 DL55 DL70 DL85 C100", dict(moves={2: "2025-04-30", 4: "2025-06-30"}, reason="Blocked by dependency", q="Meets", extra="Microsoft partner",
         risk=("Licence approval and data clean-up by departments", "High", "Migrate department by department"), note={2: "Licence approval delayed; new date 30 April", 4: "Second move: data clean-up in Legal and HR took longer"})),
        ("ICT-02", "Implement multi-factor authentication for all staff", "SO9", "Andile Ngcobo", 350000, "2025-01-13", "2025-02-28",
         "IP60 C100 C100 C100 C100 C100", dict(metric=("Staff accounts on MFA (%)", 10, 100, "increase"), q="Meets")),
        ("ICT-03", "Replace the core network switches at head office", "SO8", "Andile Ngcobo", 2600000, "2025-02-03", "2025-05-31",
         "NS0 IP10 IP35 IP60 IP90 C100", dict(over=1.18, q="Partially meets", extra="Datacentrix",
         note={4: "Additional fibre runs needed; spend above budget", 5: "Cut-over done over a weekend"})),
        ("ICT-04", "Patch critical vulnerabilities within 14 days", "SO9", "Chantelle Adams", None, "2025-01-06", "Ongoing",
         "IP10 IP25 IP40 IP50 IP60 IP70", dict(res="Security operations team", metric=("Critical vulnerabilities open > 14 days", 17, 2, "decrease"))),
        ("ICT-05", "Build a disaster recovery site and test failover", "SO9", "Fatima Patel", 2200000, "2025-03-03", "2025-09-30",
         ". . NS0 IP10 AR20 AR25", dict(reason="Blocked by resources", risk=("Budget for the second site not fully approved", "High", "Phase the build over two financial years"))),
        ("ICT-06", "Digitise leave and travel forms on the intranet", "SO8", "Chantelle Adams", 180000, "2025-01-06", "2025-04-30",
         "IP20 IP40 IP60 C100 C100 C100", dict(q="Partially meets")),
        ("ICT-07", "Refresh laptops for field staff", "SO11", "Andile Ngcobo", 950000, "2025-02-03", "2025-06-30",
         "NS0 IP10 IP30 IP50 IP70 IP85", dict(ini="INI-01", extra="SITA contract")),
        ("ICT-08", "Publish the data governance policy and appoint data stewards", "SO9", "Fatima Patel", 60000, "2025-01-20", "2025-03-31",
         "IP20 IP50 C100 C100 C100 C100", dict(q="Does not meet", note={2: "Policy approved but only three of seven stewards appointed"})),
        ("ICT-09", "Resolve 90% of service desk tickets within the SLA", "SO1", "Chantelle Adams", None, "2025-01-06", "2025-06-30",
         "IP15 IP30 IP45 IP60 IP75 IP90", dict(res="Service desk team", metric=("Tickets resolved within SLA (%)", 72, 90, "increase"))),
        ("ICT-10", "Build an online booking system for client appointments", "SO2", "Fatima Patel", 800000, "2025-04-01", "2025-08-29",
         ". . . IP10 IP25 IP40", dict(ini="INI-01", note={3: "New action from the Q1 lekgotla; replaces Operations' queue pilot"})),
        ("ICT-11", "Decommission the legacy file servers after migration", None, "Andile Ngcobo", 50000, "2025-05-05", "2025-07-31",
         ". . . . NS0 IP20", dict(dep="ICT-01")),
    ],
    "Marketing and Communications": [
        ("MC-01", "Website refresh", "SO2", "Zoë Pillay", 380000, "2025-01-13", "2025-04-30",
         "IP15 IP35 IP55 AR70 C100 C100", dict(reason="Blocked by dependency", q="Meets", note={3: "Waiting for content sign-off from departments"})),
        ("MC-02", "Launch a quarterly stakeholder newsletter", "SO10", "Nandi Zwane", 45000, "2025-01-06", "2025-03-31",
         "IP40 IP70 C100 C100 C100 C100", dict(q="Meets")),
        ("MC-03", "Run a social media campaign on the new service channels", "SO2", "Nandi Zwane", 220000, "2025-02-03", "2025-05-31",
         "NS0 IP20 IP45 IP70 C100 C100", dict(metric=("Social media followers", 14200, 25000, "increase"), q="Meets")),
        ("MC-04", "Develop the internal communication plan for the strategy roll-out", "SO10", "Zoë Pillay", 35000, "2025-01-06", "2025-02-14",
         "IP50 C100? C100? C100 C100 C100", dict(q="Meets")),
        ("MC-05", "Audit the brand and corporate identity across all offices", "SO2", "Zoë Pillay", 150000, "2025-03-03", "2025-06-30",
         ". . IP10 OH10 OH10 IP30", dict(reason="Postponed")),
        ("MC-06", "Media relations training for executives", "SO7", "Thabo Mokoena – Acting", 90000, "2025-02-03", "2025-03-28",
         "NS0 IP30 DL60 C100 C100 C100", dict(reason="Blocked by resources", q="Partially meets", note={2: "Trainer unavailable; two sessions moved to April"})),
        ("MC-07", "Produce the client service charter in three languages", "SO2", "Thabo Mokoena – Acting", 120000, "2025-01-20", "2025-05-30",
         "IP10 IP20 IP35 IP50 DL60 DL70!", dict(reason="Blocked by resources")),
        ("MC-08", "Track media sentiment every month", "SO2", "Nandi Zwane", 60000, "2025-01-06", "Ongoing",
         "IP10 IP20 IP30 IP40 IP50 IP60", dict(metric=("Positive media coverage (%)", 58, 70, "increase"))),
        ("MC-09", "Hold lekgotla feedback sessions with staff in all regions", None, "Zoë Pillay", 25000, "2025-04-07", "2025-04-30",
         ". . . C100 C100 C100", dict(q="Meets")),
        ("MC-10", "Design and lay out the annual report", "SO3", "Nandi Zwane", 180000, "2025-05-05", "2025-08-29",
         ". . . . IP15 IP30", dict(dep="Finance: FIN-05", ini="INI-02")),
        ("MC-11", "Update the media and social media policy", "SO10", "Zoë Pillay", 20000, "2025-01-13", "2025-03-31",
         "IP30 IP60 C100 C100 C100 C100", dict(q="Meets")),
    ],
    "Legal and Compliance": [
        ("LC-01", "Reduce open litigation matters older than two years", "SO3", "Sibusiso Dube", 600000, "2025-01-06", "2025-06-30",
         "IP10 IP20 IP30 . IP50 IP60", dict(metric=("Open matters older than 2 years", 23, 10, "decrease"))),
        ("LC-02", "Update the compliance universe and legislative register", "SO3", "Lwazi Ntuli", 80000, "2025-01-13", "2025-03-31",
         "IP30 IP60 C100 . C100 C100", dict(q="Meets")),
        ("LC-03", "Complete POPIA personal information impact assessments for all departments", "SO9", "Lwazi Ntuli", 250000, "2025-01-20", "2025-04-30",
         "IP10 IP25 AR35 . DL60 IP80", dict(dep="Human Resources: 3.2", moves={4: "2025-07-31"}, reason="Blocked by dependency",
         risk=("Departments slow to return completed assessment templates", "High", "Assessments added to HODs' performance agreements"))),
        ("LC-04", "Review all supplier contracts above R1 million", "SO4", "Sibusiso Dube", 150000, "2025-02-03", "2025-05-30",
         "NS0 IP20 IP40 . IP70 C100", dict(q="Partially meets")),
        ("LC-05", "Train managers on contract management and delegations", "SO7", "Lwazi Ntuli", 70000, "2025-03-03", "2025-05-30",
         ". . NS0 . C100 C100", dict(q="Meets")),
        ("LC-06", "Establish a fraud and ethics hotline", "SO3", "Thandiwe Khumalo", 320000, "2025-01-13", "2025-03-31",
         "IP20 IP50 OH50 . IP70 IP85", dict(reason="Postponed", note={2: "Tender cancelled; to be re-advertised"})),
        ("LC-07", "Reduce repeat regulatory compliance breaches", "SO3", "Lwazi Ntuli", None, "2025-01-06", "2025-06-30",
         "IP15 IP30 IP40 . IP55 IP70", dict(res="Compliance officers", metric=("Compliance breaches reported", 9, 2, "decrease"))),
        ("LC-08", "Vet all board resolutions within 5 working days", "SO3", "Sibusiso Dube", None, "2025-01-06", "Ongoing",
         "IP10 IP20 IP30 . IP40 IP50", dict(res="Legal advisors")),
        ("LC-09", "Publish the register of delegations on the intranet", "SO3", "Lwazi Ntuli", 15000, "2025-05-05", "2025-06-30",
         ". . . . IP40 C100", dict(q="Meets")),
        ("LC-10", "Draft the records management policy", "SO9", "Thandiwe Khumalo", 40000, "2025-01-06", "2025-02-28",
         "IP50 C100 C100 . C100 C100", dict(q="Meets")),
    ],
    "Strategy and Planning": [
        (1, "Convene the April lekgotla and publish the resolutions register", "SO10", "Ayanda Mthembu", 180000, "2025-03-03", "Week 3 (April)",
         ". . IP30 C100 C100 C100", dict(q="Meets")),
        (2, "Consolidate department action plans into the annual performance plan", "SO3", "Neo Mabena", 95000, "2025-01-06", "2025-01-31",
         "C100 C100 C100 . . .", dict(q="Meets")),
        (3, "Develop an M&E framework with indicator definitions for every objective", "SO3", "Neo Mabena", 250000, "2025-01-13", "End of March",
         "IP20 IP45 AR70 DL80 C100 C100", dict(moves={3: "End of May"}, reason="Scope changed", q="Meets",
         note={3: "Lekgotla asked for indicators per region; date moved to end of May"})),
        (4, "Get all departments to submit status reports by the 7th", None, "Neo Mabena", None, "2025-01-06", "Ongoing",
         "IP20 IP30 IP40 IP50 IP60 IP70", dict(res="M&E team", metric=("Departments submitting on time", 4, 7, "increase"))),
        (5, "Benchmark turnaround standards against peer institutions", "SO1", "Ayanda Mthembu", 60000, "2025-02-03", "End of Q2",
         "NS0 IP15 IP30 IP50 IP70 C100", dict(q="Meets")),
        (6, "Update the organisational risk register with department risk owners", "SO3", "Neo Mabena", 40000, "2025-01-06", "2025-02-28",
         "IP40 IP80 C100 C100 C100 C100", dict(q="Meets")),
        (7, "Draft the FY2026 strategic plan for EXCO review", "SO10", "Ayanda Mthembu", 220000, "2025-04-01", "Q3 2025",
         ". . . IP10 IP20 IP35", {}),
        (8, "Set up a dashboard to track department action plans", "SO8", "Lebohang Motaung", 300000, "2025-01-20", "2025-06-30",
         "IP10 IP25 IP40 IP55 IP70 IP85", dict(res="Lekgotla dashboard, M&E team")),
        (9, "Review the service delivery improvement plan", "SO1", "Lebohang Motaung", 30000, "2025-01-06", "2025-04-30",
         "IP25 IP50 IP75 C100 C100 C100", dict(q="Partially meets")),
        (10, "Align departmental budgets with the strategic priorities", "SO4", "Ayanda Mthembu", None, "2025-01-13", "2025-03-31",
         "IP30 IP60 C100 C100 C100 C100", dict(res="Finance and strategy analysts", q="Meets")),
        (11, "Start the mid-term review of the five-year strategy", "SO3", "Neo Mabena", 400000, "2025-05-05", "End of Q3",
         ". . . . NS0 IP10", {}),
    ],
}

F = dict(id="action_id", act="action", obj="objective_id", dept="department", who="responsible", res="resources",
         bud="budget_allocated", spent="budget_spent", start="start_date", due="due_date", status="status",
         pct="percent_complete", done="completion_date", kpi="success_metric", tgt="target", act_v="actual",
         dir="metric_direction", q="quality_review", risk="risk", lvl="risk_level", mit="mitigation",
         why="reason_code", com="comments", extra="extra", dep="depends_on", ini="initiative")


def cols(spec: str) -> list[tuple[str, str]]:
    """'Header=field; ...' -> [(header, canonical field)]."""
    pairs = [p.split("=") for p in spec.split("; ")]
    return [(h, F[f]) for h, f in pairs]


# How each department writes its report (see README.md for the summary).
STYLES = {
    "Finance": dict(
        file="Finance_{p}.xlsx", sheet="Actions", title="Finance - Monthly action plan status report FY2025",
        meta=["Department", "Reporting period", "Prepared by", "Date submitted"], period_fmt="%B %Y",
        cols=cols("Action ID=id; Action Description=act; Strategic Objective=obj; Responsible=who; Budget Allocated=bud; "
                  "Budget Spent=spent; Start Date=start; Due Date=due; Status=status; % Complete=pct; Date Completed=done; "
                  "Success Metric=kpi; Target=tgt; Actual=act_v; Direction=dir; Quality Review=q; Risks=risk; Risk Level=lvl; "
                  "Mitigation=mit; Reason=why; Comments=com; Depends on=dep; Initiative=ini"),
        dates="cell", money="number", pct="number", totals=True, after=["Notes"]),
    "Human Resources": dict(
        file="Human Resources_{p}.xlsx", sheet="Action Plan", meta=["Department:", "Reporting period:", "Prepared by:", "Date submitted:"],
        period_fmt="%Y-%m", submitted_text=True,
        cols=cols("Ref=id; Activity=act; Strategic Objective=obj; Owner=who; Resources Required=res; Budget (ZAR)=bud; "
                  "Actual Spend=spent; Start=start; Deadline=due; Status=status; Progress (%)=pct; Completed On=done; KPI=kpi; "
                  "Target=tgt; Achieved=act_v; Quality=q; Risks/Challenges=risk; Risk rating=lvl; Mitigation=mit; "
                  "Delay reason=why; Remarks=com; Dependencies=dep; Initiative=ini"),
        dates="%d/%m/%Y", money="R {:,.0f}", pct="number", before=["Instructions"], quality="yesno",
        statuses={"In progress": "On track", "Delayed": "Behind schedule", "Completed": "Done"}),
    "Operations": dict(
        file="Operations_{p}.xlsx", sheet="Actions", meta=["Department", "Reporting period", "Prepared by", "Date submitted"],
        period_fmt="%b %Y", hidden={"2025-03"},
        cols=cols("Action No=id; Specific Action=act; Goal=obj; Responsible Party=who; Resources Needed=res; Budget=bud; "
                  "Expenditure=spent; Start Date=start; Timeline=due; Status=status; Completion=pct; Actual Completion Date=done; "
                  "Indicator=kpi; Target Value=tgt; Actual Value=act_v; Direction=dir; Risk=risk; Risk Level=lvl; "
                  "Mitigation Plan=mit; Variance Reason=why; Region=extra; Notes=com; Predecessors=dep; Programme=ini"),
        dates="cell", money="number", pct="fraction", statuses={"At risk": "At Risk", "Completed": "Complete"}),
    "Information Technology": dict(
        file="Information Technology_{p}.xlsx", sheet="Actions", meta=None,
        cols=cols("action_id=id; action=act; department=dept; objective_id=obj; responsible=who; resources=res; "
                  "budget_allocated=bud; budget_spent=spent; start_date=start; due_date=due; status=status; "
                  "percent_complete=pct; completion_date=done; success_metric=kpi; target=tgt; actual=act_v; "
                  "metric_direction=dir; quality_review=q; risk=risk; risk_level=lvl; mitigation=mit; reason_code=why; "
                  "comments=com; vendor=extra; depends_on=dep; initiative=ini"),
        dates="%Y-%m-%d", money="number", pct="number"),
    "Marketing and Communications": dict(
        file="Marketing and Communications_{p}.csv", csv={"2025-03": ("cp1252", ";")}, csv_default=("utf-8-sig", ","),
        cols=cols("ID=id; Task=act; Objective=obj; Lead=who; Budget=bud; Spent=spent; Start=start; Due=due; Status=status; "
                  "% Complete=pct; Completed On=done; KPI=kpi; Target=tgt; Actual=act_v; Quality=q; Challenges=risk; "
                  "Risk Level=lvl; Reason=why; Comment=com; Depends on=dep; Initiative=ini"),
        dates="{d.day} %b %Y", money="R{:,.2f}", pct="text",
        statuses={"In progress": "Ongoing", "Delayed": "Behind", "Completed": "Done"}),
    "Legal and Compliance": dict(
        file="Legal and Compliance_{p}.xlsx", sheet="Status report", title="LEGAL AND COMPLIANCE: STATUS OF LEKGOTLA ACTIONS",
        meta=["Department", "Reporting period", "Prepared by", "Date submitted"], period_fmt="%B %Y", skip={"2025-04"},
        cols=cols("Ref=id; Action=act; Objective=obj; Responsible=who; Budget=bud; Spent=spent; Start Date=start; "
                  "Target Date=due; Status=status; Progress=pct; Actual Completion Date=done; Measure=kpi; Target=tgt; "
                  "Actual=act_v; Direction=dir; Quality=q; Risks=risk; Risk Level=lvl; Mitigation=mit; Reason=why; Comments=com; "
                  "Depends on=dep; Initiative=ini"),
        dates="%d-%m-%Y", money="ZAR {:,.0f}", pct="number"),
    "Strategy and Planning": dict(
        file="status_report_{p}.xlsx", sheet="Actions", meta=["Department", "Reporting period", "Prepared by", "Date submitted"],
        period_fmt="%m/%Y", after=["Notes"],
        cols=cols("Action Step=id; Description=act; Goal ID=obj; Assigned To=who; Resources=res; Allocated Budget=bud; "
                  "Actual Cost=spent; Start Date=start; Timeline=due; State=status; Percent Complete=pct; Completed On=done; "
                  "Measure=kpi; Target=tgt; Actual=act_v; Direction=dir; Meets Standard=q; Challenges=risk; Risk Level=lvl; "
                  "Mitigation=mit; Variance Reason=why; Notes=com"),
        dates="cell", money="number", pct="number"),
}

# Reports handed in late (after the 7th of the following month); all others: day 1-7.
LATE_SUBMISSIONS = {("Human Resources", "2025-01"): date(2025, 2, 10), ("Legal and Compliance", "2025-02"): date(2025, 3, 12),
                    ("Operations", "2025-05"): date(2025, 6, 11), ("Legal and Compliance", "2025-05"): date(2025, 6, 13)}

STATUS = {"NS": "Not started", "IP": "In progress", "AR": "At risk", "DL": "Delayed", "OH": "On hold",
          "C": "Completed", "X": "Cancelled"}
COMMENTS = {
    "Not started": ["Awaiting approval of the project charter", "Procurement documents being drafted", "Scheduled to start next month"],
    "In progress": ["Progress in line with plan", "Stakeholder workshop held", "Draft circulated for comment", "Service provider appointed",
                    "Weekly check-ins with the team", "Phase 1 signed off"],
    "At risk": ["Escalated to EXCO", "Recovery plan to be tabled at the next lekgotla"],
    "Delayed": ["Revised plan submitted to the Strategy office", "Escalated to the HOD"],
    "On hold": ["Paused pending budget reprioritisation"],
    "Completed": ["Signed off by EXCO", "Close-out report submitted", "Completed and handed over"],
    "Cancelled": ["Dropped at the lekgotla"],
}
RISKS = [("Key staff on leave during peak period", "Low", "Cross-train a second official"),
         ("Service provider delays", "Medium", "Weekly progress meetings; penalty clause in SLA"),
         ("Budget may be cut at the mid-year adjustment", "Medium", "Motivate at EXCO with a cost-benefit case"),
         ("Inputs needed from other departments", "Medium", "Agree dates with HODs at the lekgotla"),
         ("Load-shedding disrupts work at regional offices", "Low", "Generators and UPS at main sites"), None, None]
QUALITY_YESNO = {"Meets": "Yes", "Partially meets": "Partial", "Does not meet": "No"}
MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def period_bounds(p: str) -> tuple[date, date]:
    y, m = map(int, p.split("-"))
    return date(y, m, 1), month_end(y, m)


def resolve_due(text: str, year: int = 2025) -> date | None:
    """The SPEC §2.3 reading of a due date or timeline phrase (used to keep the data valid)."""
    t = text.strip().lower()
    if re.fullmatch(r"\d{4}-\d\d-\d\d", t):
        return date.fromisoformat(t)
    if t in ("ongoing", "tbc", "tbd"):
        return None
    if m := re.fullmatch(r"week (\d)(?:\s*(?:and week|&)\s*(\d))? \((\w+)\)", t):
        week, mon = max(int(m[1]), int(m[2] or 0)), MONTHS[m[3]]
        return min(date(year, mon, 7 * week), month_end(year, mon))
    if m := re.fullmatch(r"(?:end of )?q(\d)(?: (\d{4}))?", t):
        return month_end(int(m[2] or year), 3 * int(m[1]))
    if m := re.fullmatch(r"(?:end of )?(\w+)(?: (\d{4}))?", t):
        return month_end(int(m[2] or year), MONTHS[m[1]])
    raise ValueError(text)


def build_rows(dept: str, rng: random.Random) -> dict[str, list[dict]]:
    """Every action's canonical row for every period it is reported in."""
    out: dict[str, list[dict]] = {p: [] for p in PERIODS}
    for aid, act, obj, who, budget, start, due, track, o in ACTIONS[dept]:
        f = o.get("over") or rng.uniform(0.75, 0.98)
        risk = o.get("risk") or rng.choice(RISKS)
        done_on, done_note = None, rng.choice(COMMENTS["Completed"])
        spent_max = 0.0
        for i, tok in enumerate(track.split()):
            if tok == ".":
                continue
            m = re.fullmatch(r"([A-Z]+)(\d+)([!?]*)", tok)
            status, pct, flags = STATUS[m[1]], int(m[2]), m[3]
            p = PERIODS[i]
            p_start, p_end = period_bounds(p)
            cur_due = [d for k, d in sorted(o.get("moves", {}).items()) if k <= i][-1:] or [due]
            cur_due = cur_due[0]
            due_d = resolve_due(cur_due)
            if status == "Completed" and done_on is None:
                s = date.fromisoformat(start)
                if due_d and p_start <= due_d <= p_end:
                    done_on = max(due_d - timedelta(days=rng.randint(0, 4)), p_start, s)
                else:
                    done_on = max(p_start + timedelta(days=rng.randint(0, (p_end - p_start).days)), s)
            spent = None
            if budget:
                ratio = o["over"] * (pct / 100) ** 0.7 if o.get("over") else f * pct / 100
                spent_max = max(spent_max, round(budget * ratio, -2))
                spent = spent_max
            metric = o.get("metric")
            actual = None
            if metric and status != "Not started":
                name, base, tgt, direction = metric
                val = tgt if status == "Completed" else base + (tgt - base) * pct / 100 * rng.uniform(0.8, 1.0)
                actual = round(val) if all(isinstance(x, int) for x in (base, tgt)) else round(val, 1)
            reason = None
            if status == "Not started":
                reason = "Not begun"
            elif status in ("At risk", "Delayed", "On hold") and "!" not in flags:
                reason = o.get("reason", "Other")
            elif status == "Cancelled":
                reason = "Scope changed"
            level = "High" if status in ("At risk", "Delayed") else (risk[1] if risk else None)
            out[p].append({
                "action_id": aid, "action": act, "department": dept, "objective_id": obj, "responsible": who,
                "resources": o.get("res"), "budget_allocated": budget, "budget_spent": spent,
                "start_date": date.fromisoformat(start), "due_date": cur_due, "status": status, "percent_complete": pct,
                "completion_date": done_on if status == "Completed" and "?" not in flags else None,
                "success_metric": metric[0] if metric else None, "target": metric[2] if metric else None,
                "actual": actual, "metric_direction": metric[3] if metric else None,
                "quality_review": o.get("q", "Meets") if status == "Completed" else None,
                "risk": risk[0] if risk else None, "risk_level": level, "mitigation": risk[2] if risk else None,
                "reason_code": reason, "comments": o.get("note", {}).get(i) or (done_note if status == "Completed" else rng.choice(COMMENTS[status])),
                "extra": o.get("extra"),
                "depends_on": o.get("dep"), "initiative": o.get("ini"),
            })
    return out


def render(field: str, value, style: dict):
    """One canonical value written the way this department writes it."""
    if value is None:
        return None
    if field in ("start_date", "completion_date", "due_date"):
        if isinstance(value, str):
            if not re.fullmatch(r"\d{4}-\d\d-\d\d", value):
                return value  # a timeline phrase, written as is
            value = date.fromisoformat(value)
        fmt = style["dates"]
        return value if fmt == "cell" else value.strftime(fmt.replace("{d.day}", str(value.day)))
    if field in ("budget_allocated", "budget_spent"):
        fmt = style["money"]
        return int(value) if fmt == "number" else fmt.format(value).replace(",", " " if fmt.startswith("R ") else ",")
    if field == "percent_complete":
        return {"number": value, "fraction": value / 100, "text": f"{value}%"}[style["pct"]]
    if field == "status":
        return style.get("statuses", {}).get(value, value)
    if field == "quality_review" and style.get("quality") == "yesno":
        return QUALITY_YESNO[value]
    return value


SUBMITTED: dict[str, date] = {}  # file name -> the day it was submitted (written to submissions.csv)


def submitted_on(dept: str, p: str, rng: random.Random) -> date:
    y, m = map(int, p.split("-"))
    nxt = date(y + m // 12, m % 12 + 1, 1)
    return LATE_SUBMISSIONS.get((dept, p)) or nxt + timedelta(days=rng.randint(0, 6))


def write_submissions(out: Path) -> None:
    """When each report was submitted: backfilled files carry no upload time of their own."""
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["file", "submitted_at"])
        for name in sorted(SUBMITTED):
            w.writerow([name, SUBMITTED[name].isoformat()])


def table(style: dict, rows: list[dict]) -> list[list]:
    header = [h for h, _ in style["cols"]]
    body = [[render(f, r[f], style) for _, f in style["cols"]] for r in rows]
    return [header, *body]


def save_stable(wb: openpyxl.Workbook, path: Path) -> None:
    """Save with fixed zip-entry and document timestamps so the bytes never change."""
    wb.properties.creator = "Lekgotla sample data"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            dst.writestr(zipfile.ZipInfo(item.filename, date_time=FIXED_TIME.timetuple()[:6]), data, zipfile.ZIP_DEFLATED)


def side_sheet(wb: openpyxl.Workbook, name: str, dept: str, p: str) -> None:
    ws = wb.create_sheet(name)
    lines = {"Instructions": ["How to complete this report",
                              "1. Update status, progress and spend for every activity on the Action Plan sheet.",
                              "2. Give a delay reason for every activity that is behind schedule.",
                              "3. Send the report to the Strategy office by the 7th of the following month."],
             "Notes": [f"{dept} notes for {p}", "Figures are cumulative from 1 January 2025.",
                       "Spend is as captured on the financial system at month end."]}[name]
    for line in lines:
        ws.append([line])


def write_xlsx(dept: str, style: dict, p: str, rows: list[dict], rng: random.Random, out: Path) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name in style.get("before", []):
        side_sheet(wb, name, dept, p)
    if p in style.get("hidden", set()):  # a stale draft sheet the reader must ignore
        draft = wb.create_sheet("Draft")
        draft.sheet_state = "hidden"
        for r in table(style, rows[:3]):
            draft.append(r)
        draft.append(["OPS-99", "Old draft row", "SO1", None, None, None, None, None, "TBC", 1.5])
    ws = wb.create_sheet(style["sheet"])
    if style.get("title"):
        ws.append([style["title"]])
        ws.append([])
    if style.get("meta"):
        sub = submitted_on(dept, p, rng)
        SUBMITTED[out.name] = sub
        head = dict(DEPARTMENTS)[dept]
        values = [dept, datetime.strptime(p, "%Y-%m").strftime(style["period_fmt"]), head,
                  sub.strftime("%d/%m/%Y") if style.get("submitted_text") else sub]
        for label, value in zip(style["meta"], values, strict=True):
            ws.append([label, value])
        ws.append([])
    for r in table(style, rows):
        ws.append(r)
    if style.get("totals"):
        names = [f for _, f in style["cols"]]
        total = [None] * len(names)
        total[0] = "Total"
        for f in ("budget_allocated", "budget_spent"):
            total[names.index(f)] = sum(r[f] or 0 for r in rows)
        ws.append(total)
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, date):
                c.number_format = "yyyy-mm-dd"
    for name in style.get("after", []):
        side_sheet(wb, name, dept, p)
    wb.active = wb.sheetnames.index(style["sheet"])
    save_stable(wb, out)


def write_csv(style: dict, p: str, rows: list[dict], out: Path) -> None:
    encoding, delimiter = style["csv"].get(p, style["csv_default"])
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(table(style, rows))
    out.write_bytes(buf.getvalue().encode(encoding))


def write_register(out: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Objectives"
    ws.append(["objective_id", "objective", "pillar", "owner", "period", "priority"])
    for oid, title, pillar, owner, prio in OBJECTIVES:
        ws.append([oid, title, pillar, owner, "FY2025", prio])
    ws = wb.create_sheet("Departments")
    ws.append(["department", "head", "email"])
    for dept, head in DEPARTMENTS:
        first, last = head.replace("ë", "e").lower().split(" ", 1)
        ws.append([dept, head, f"{first}.{last.replace(' ', '')}@{DOMAIN}"])
    ws = wb.create_sheet("Initiatives")
    ws.append(["initiative_id", "name", "objective", "lead department", "member departments", "target date"])
    for row in INITIATIVES:
        ws.append(list(row))
    save_stable(wb, out)


def main() -> None:
    rng = random.Random(2025)
    reports = HERE / "reports"
    reports.mkdir(exist_ok=True)
    for old in reports.iterdir():
        old.unlink()
    write_register(HERE / "strategy_register.xlsx")
    for dept, _ in DEPARTMENTS:
        style = STYLES[dept]
        by_period = build_rows(dept, rng)
        for p in PERIODS:
            if p in style.get("skip", set()):
                continue
            out = reports / style["file"].format(p=p)
            if "csv" in style:
                write_csv(style, p, by_period[p], out)
            else:
                write_xlsx(dept, style, p, by_period[p], rng, out)
            if out.name not in SUBMITTED:  # no metadata block: a date of its own, not drawn from rng
                SUBMITTED[out.name] = submitted_on(dept, p, random.Random(f"{dept}|{p}"))
    write_submissions(HERE / "submissions.csv")
    print(f"wrote {HERE / 'strategy_register.xlsx'} and {len(list(reports.iterdir()))} reports in {reports}")


if __name__ == "__main__":
    main()
