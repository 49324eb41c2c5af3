"""Titles from the shipped `programme.json` that several tests look for."""

COURT = "Confidence in court: evidence and report writing for care proceedings"
IN_PERSON = [
    "Your first year in practice: an ASYE peer forum",
    "Safeguarding adults: self-neglect and making safeguarding personal",
    "Great placements: practice educators and students",
    "Working with domestic abuse: whole-family approaches",
    COURT,
]
TUESDAY = [
    "The AMHP role today: practice under the Mental Health Act",
    "Racism in the workplace, in communities and in practice",
    "Safeguarding adults: self-neglect and making safeguarding personal",
    "Staying close: supporting care leavers into adulthood",
]
FRIDAY = [
    "Moving to adulthood: transitions from children's to adult services",
    COURT,
    "The value of co-production: a reflective space through stories",
    "Strengths-based practice with older people and people living with dementia",
    "End-of-week peer support circle",
]
