"""`flask crm seed-synthetic`: a large, realistic and deterministic dataset, written in bulk.

At scale 1: 10,000 organizations, 100,000 people, 20,000 projects, 200,000 stage transitions,
300,000 follow-ups and 500,000 impact measurements, with the forums, memberships, funding,
interactions, tags and search keys that go with them. The same seed on the same day gives the
same data. Its users' addresses end in @synthetic.crm: that is how a second run knows.
"""

from crm.demo.synthetic.seed import (
    SyntheticDataPresent,
    already_seeded,
    seed_synthetic,
)
from crm.demo.synthetic.world import FULL_SCALE, target_counts

__all__ = ["FULL_SCALE", "SyntheticDataPresent", "already_seeded", "seed_synthetic",
           "target_counts"]
