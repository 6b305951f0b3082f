"""The claims reader over the corpus: no false price or delivery claim, and a recall floor."""

from io import StringIO

from django.core.management import call_command

from campaigns.claims import extract_claims
from campaigns.claims_score import KEYS, score
from tests.campaigns.claims_corpus import CORPUS

# What the reader reaches today (docs/claims.md); a change that loses recall fails here.
RECALL_FLOOR = 0.95
# A false price or delivery claim raises a false blocker: none is acceptable.
EXACT_KINDS = ("price", "delivery", "dispatch", "free_shipping")


def test_the_corpus_is_large_and_mostly_english_and_french():
    languages = {case.language for case in CORPUS}
    assert len(CORPUS) >= 300 and languages == {"en", "fr"}
    assert sum(1 for case in CORPUS if not case.expected) >= 100


def test_precision_and_recall_by_kind(capsys):
    result = score(CORPUS, extract_claims)
    for kind in EXACT_KINDS:
        assert result.precision(kind) == 1.0, (kind, result.misses)
    for kind in KEYS:
        assert result.recall(kind) >= RECALL_FLOOR, (kind, result.misses)


def test_the_report_command_prints_the_figures_by_kind():
    out = StringIO()
    call_command("claims_report", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"{len(CORPUS)} cases (en: ")
    assert {line.split()[0] for line in lines[2:]} == set(KEYS)
