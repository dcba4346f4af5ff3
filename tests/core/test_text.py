from essaim.core.text import fold


def test_fold_strips_accents_and_case():
    assert fold("Éloïse  DUPRÉ") == "eloise dupre"


def test_fold_expands_ligatures():
    assert fold("Cœur") == "coeur"
