"""Map an EU Clinical Trials Register record (one member state's protocol, as the ctrdata package exports it,
fields named after the protocol form: ``a2_eudract_number``, ``e11_medical_conditions_being_investigated``, ``dimp``
for the investigational medicinal products ...) onto a record.

The record's own id is its EudraCT number with the member state it is the protocol of (``EUCTR2019-002663-10-ES``);
the trial is the EudraCT number itself, or the NCT id the record names. EU CTR states phases, design and
populations as yes/no items, and no start date in the protocol (the results section's recruitment start is taken
where it is posted). "Ongoing" says neither recruiting nor not: the status is left empty.
"""

from __future__ import annotations

import re
from typing import Any

from kg.errors import SourceError
from kg.sources import vocab
from kg.sources.json_path import get, items, stated, text, well_formed
from kg.sources.model import (NCT_ID, Design, Eligibility, Enrollment, Intervention, Outcome, Sponsor, Source,
                              TrialRecord)
from kg.sources.page import unique
from kg.sources.registry_ids import parse_id

FORMAT = "euctr-json"

_STATUSES = {"completed": "COMPLETED", "prematurely ended": "TERMINATED", "temporarily halted": "SUSPENDED",
             "not authorised": "WITHDRAWN", "prohibited by ca": "WITHDRAWN"}
_PHASES = (("e71_human_pharmacology_phase_i", "PHASE1"), ("e72_therapeutic_exploratory_phase_ii", "PHASE2"),
           ("e73_therapeutic_confirmatory_phase_iii", "PHASE3"), ("e74_therapeutic_use_phase_iv", "PHASE4"))
_PURPOSES = (("e61_diagnosis", "DIAGNOSTIC"), ("e62_prophylaxis", "PREVENTION"), ("e63_therapy", "TREATMENT"))
_MASKINGS = (("e814_double_blind", "DOUBLE"), ("e813_single_blind", "SINGLE"), ("e812_open", "NONE"))
_MODELS = (("e815_parallel_group", "PARALLEL"), ("e816_cross_over", "CROSSOVER"))
_SPONSOR_CLASSES = {"commercial": "INDUSTRY", "non-commercial": "OTHER"}


def is_record(obj: Any) -> bool:
    """True for an EU CTR protocol record (its EudraCT number under the protocol form's name)."""
    return isinstance(obj, dict) and isinstance(obj.get("a2_eudract_number"), str)


def map_record(obj: dict, source: Source) -> TrialRecord:
    """The record for one member state's EU CTR protocol; ``SourceError`` naming it when it cannot be mapped."""
    return well_formed("EU CTR", source, lambda: _record(obj, source))


def _record(obj: dict, source: Source) -> TrialRecord:
    number = text(obj, "a2_eudract_number") or ""
    own = parse_id(f"EUCTR{number}")
    if own is None or own.registry.key != "EUCTR":
        raise SourceError(source.path, f"an EU CTR record without a valid EudraCT number (got {number!r})")
    state = (text(obj, "a1_member_state_concerned") or "").split(" - ")[0]
    code = "3RD" if state.lower().startswith("outside") else vocab.country_code(state)
    return _map(obj, source, f"{own.id}-{code}" if code else own.id)


def _yes(obj: dict, key: str) -> bool:
    return (text(obj, key) or "").lower() == "yes"


def _map(obj: dict, source: Source, own_id: str) -> TrialRecord:
    results = get(obj, "trialInformation", default={})
    nct = next((n.upper() for n in (text(obj, "a52_us_nct_clinicaltrialsgov_registry_number"), text(results, "usctnIdentifier"))
                if n and NCT_ID.fullmatch(n.upper())), None)
    secondary = [text(obj, k) for k in ("a51_isrctn_international_standard_randomised_controlled_trial_number",
                                       "a41_sponsors_protocol_code_number", "a53_who_universal_trial_reference_number_utrn",
                                       "a54_other_identifiers")]
    status = _STATUSES.get((text(obj, "p_end_of_trial_status") or text(obj, "x5_trial_status") or "").lower())
    whole = next((c for k in ("f422_in_the_whole_clinical_trial", "f421_in_the_eea", "f41_in_the_member_state")
                  if (c := vocab.count(text(obj, k))) is not None), None)
    purposes = [p for k, p in _PURPOSES if _yes(obj, k)]
    end = vocab.parse_date(text(obj, "p_date_of_the_global_end_of_the_trial") or (text(results, "globalEndOfTrialDate") or "")[:10])
    return TrialRecord(
        source=source,
        nct_id=nct,
        registry_id=own_id,
        secondary_ids=unique(s for s in map(stated, secondary) if s),
        title=text(obj, "a31_title_of_the_trial_for_lay_people_in_easily_understood_ie_nontechnical_language")
        or text(obj, "a3_full_title_of_the_trial"),
        acronym=text(obj, "a32_name_or_abbreviated_title_of_the_trial_where_available"),
        official_title=text(obj, "a3_full_title_of_the_trial"),
        brief_summary=text(obj, "e21_main_objective_of_the_trial"),
        status=status,
        phases=tuple(p for k, p in _PHASES if _yes(obj, k)),
        study_type="INTERVENTIONAL",  # the register holds interventional trials of medicinal products only
        enrollment=Enrollment(whole, "ESTIMATED" if whole is not None else None),
        start_date=vocab.parse_date((text(results, "recruitmentStartDate") or "")[:10]),
        start_date_type="ACTUAL" if text(results, "recruitmentStartDate") else None,
        completion_date=end,
        completion_date_type="ACTUAL" if end and status in ("COMPLETED", "TERMINATED") else None,
        conditions=unique([text(obj, "e11_medical_conditions_being_investigated")]),
        keywords=unique(text(m, "e12_term") for m in items(obj, "e12_meddra_classification")),
        interventions=_interventions(obj),
        sponsors=_sponsors(obj),
        countries=_countries(obj),
        eligibility=Eligibility(sex=_sex(obj), healthy_volunteers=_yes(obj, "f31_healthy_volunteers") or None,
                                inclusion=_criteria(text(obj, "e3_principal_inclusion_criteria")),
                                exclusion=_criteria(text(obj, "e4_principal_exclusion_criteria"))),
        design=Design(allocation="RANDOMIZED" if _yes(obj, "e811_randomised") else None,
                      masking=next((m for k, m in _MASKINGS if _yes(obj, k)), None),
                      intervention_model=next((m for k, m in _MODELS if _yes(obj, k)), None),
                      primary_purpose=purposes[0] if len(purposes) == 1 else None),
        outcomes=tuple(Outcome(kind, m, text(obj, frame)) for kind, key, frame in (
            ("PRIMARY", "e51_primary_end_points", "e511_timepoints_of_evaluation_of_this_end_point"),
            ("SECONDARY", "e52_secondary_end_points", "e521_timepoints_of_evaluation_of_this_end_point"))
            if (m := text(obj, key))),
    )


def _interventions(obj: dict) -> tuple[Intervention, ...]:
    """Each investigational product once, by its INN where the protocol gives one; its trade name, product name and
    codes as other names. A placebo the design names is an intervention too."""
    out: dict[str, Intervention] = {}
    for product in items(obj, "dimp"):
        details = [d for d in items(product, "d38_imp_identification_details") if isinstance(d, dict)]
        inns = unique(text(d, "d38_inn__proposed_inn") for d in details)
        others = unique([text(product, "d2111_trade_name"), text(product, "d31_product_name"), text(product, "d32_product_code"),
                         *(text(d, k) for d in details for k in ("d392_current_sponsor_code", "d393_other_descriptive_name"))])
        name = " + ".join(inns) if inns else next(iter(others), None)
        role = (text(product, "d12_and_d13_imp_role") or "").lower()  # a comparator of the same substance is another product
        key = role + ":" + (" + ".join(sorted(i.lower() for i in inns)) if inns else (name or "").lower())
        if name and key not in out:
            out[key] = Intervention(name=name, type="DRUG", other_names=tuple(o for o in others if o.lower() != name.lower()))
    if _yes(obj, "e822_placebo") and not any(i.name.lower() == "placebo" for i in out.values()):
        out["placebo"] = Intervention(name="Placebo", type="DRUG")
    return tuple(out.values())


def _sponsors(obj: dict) -> tuple[Sponsor, ...]:
    out: dict[str, Sponsor] = {}
    for k, sponsor in enumerate(s for s in items(obj, "b1_sponsor") if isinstance(s, dict)):
        if name := text(sponsor, "b11_name_of_sponsor"):
            out.setdefault(name.lower(), Sponsor(name, "LEAD" if k == 0 else "COLLABORATOR",
                                                 _SPONSOR_CLASSES.get((text(sponsor, "b31_and_b32_status_of_the_sponsor") or "").lower())))
        for support in items(sponsor, "b4_sources_of_monetary_or_material_support"):
            if support_name := text(support, "b41_name_of_organisation_providing_support"):
                out.setdefault(support_name.lower(), Sponsor(support_name, "COLLABORATOR"))
    return tuple(out.values())


def _countries(obj: dict) -> tuple[str, ...]:
    """The member state of this protocol, then the other countries with planned sites (written with spaces only)."""
    state = (text(obj, "a1_member_state_concerned") or "").split(" - ")[0]
    planned = vocab.split_countries(text(obj, "e863_trial_sites_planned_in") or "")
    return unique([state if vocab.country_code(state) else None, *planned])


def _sex(obj: dict) -> str | None:
    female, male = _yes(obj, "f21_female"), _yes(obj, "f22_male")
    return "ALL" if female and male else "FEMALE" if female else "MALE" if male else None


def _criteria(value: str | None) -> tuple[str, ...]:
    """The protocol's criteria text as items: it runs them together, each after a "- " or a number."""
    if not value:
        return ()
    parts = re.split(r"\s+-\s+|(?:^|\s)[0-9]{1,2}[.)]\s+", " " + value)
    return unique(stated(vocab.clean(p.strip(" -"))) for p in parts)
