"""Prefect flows over the library, installed as `gaitload.pipelines`."""
