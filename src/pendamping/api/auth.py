"""Bearer tokens: `Authorization: Bearer <token>`, checked against the SHA-256 kept by accounts.ApiToken."""

from ninja.security import HttpBearer

from pendamping.accounts.services import api_token_use


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        api_token = api_token_use(secret=token)
        if api_token is None:
            return None
        request.user = api_token.user  # the selectors and services read the actor from here
        request.api_token = api_token
        return api_token.user
