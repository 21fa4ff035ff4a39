"""Manager reports: pipeline, workload, forums, funding and impact, with filters and exports."""
