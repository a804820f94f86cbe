"""Reading metrics in tests: a sample's value in this process, or in a scraped text."""

from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families


def sample(name: str, **labels: str) -> float:
    """The value of a sample in this process's default registry (0 if it was never set)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scraped(text: str, name: str, **labels: str) -> float | None:
    """The value of the sample `name` with exactly `labels` in a scraped text, or None."""
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and found.labels == labels:
                return float(found.value)
    return None


def scraped_sum(text: str, name: str, **labels: str) -> float:
    """The sum of the samples `name` whose labels include `labels`, in a scraped text."""
    return sum(
        float(found.value)
        for family in text_string_to_metric_families(text)
        for found in family.samples
        if found.name == name and labels.items() <= found.labels.items()
    )
