"""Measuring the analysis against annotations: the project's own event gold
(:mod:`.gold_events`) and the PLOVER development set (:mod:`.plover`)."""
