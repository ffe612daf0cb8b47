"""Every ingest run leaves a markdown artifact in Prefect with its figures and stage times."""

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

from flows.ingest import ingest_flow
from pipeline.settings import Settings
from tests.conftest import SEEDS

pytestmark = pytest.mark.usefixtures("prefect_server")


def test_ingest_run_publishes_its_figures_as_an_artifact(sqlite_url):
    state = ingest_flow([str(SEEDS / "001_seoul_washington_joint_drills.txt")],
                        settings=Settings(database_url=sqlite_url), return_state=True)
    summary = state.result()
    with get_client(sync_client=True) as client:
        [artifact] = client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])))
    assert artifact.key == "newsflow-ingest"
    assert f"| new | {summary.new} |" in artifact.data
    assert f"| events | {summary.events} |" in artifact.data
    assert "| entities+events |" in artifact.data
    assert summary.new == 1
