from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from backend.api.deps import RegistryDep
from backend.api.routing import JsonRoute
from backend.chain.endpoint import shown_rpc_url
from backend.errors import ChainUnavailable

router = APIRouter(tags=["health"], route_class=JsonRoute)


@router.get("/health")
def health(registry: RegistryDep) -> JSONResponse:
    """The chain and registry this service anchors to, read from the chain itself (503 when unreachable)."""
    body: dict[str, object] = {"registry": registry.address, "rpc": shown_rpc_url(registry.rpc_url)}
    try:
        body["chainId"] = registry.chain_id
        body["blockNumber"] = registry.block_number()
        body["registryDeployed"] = registry.has_code()
    except ChainUnavailable as err:
        return JSONResponse(
            {"status": "unavailable", **body, "chainId": None, "detail": str(err)}, status_code=503
        )
    return JSONResponse({"status": "ok", **body})
