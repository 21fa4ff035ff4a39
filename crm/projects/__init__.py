"""Social-innovation projects carried by organizations, followed through the pipeline."""
