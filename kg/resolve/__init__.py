"""Resolution of names to canonical entities: drugs, sponsors, conditions (normalize -> resolve stage)."""
