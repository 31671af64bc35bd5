"""Security headers that Django does not set by itself, and the sliding end of a session."""

import time

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(self), microphone=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class SessionIdleMiddleware:
    """A session ends after SESSION_IDLE_MINUTES without a request: a request pushes its end forward (the session is
    saved with a new expiry and cookie) when it was last pushed SESSION_TOUCH_SECONDS or more ago. Not on every
    request, which cost a database write per page under load; the end comes at most that many seconds early."""

    KEY = "_idle_touched"

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.seconds = int(getattr(settings, "SESSION_TOUCH_SECONDS", 60))

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None:
            return response
        now = int(time.time())
        if session.modified:  # saved anyway (a login, a message): note when
            if not session.is_empty():
                session[self.KEY] = now
        elif session.session_key and not session.is_empty() and now - int(session.get(self.KEY, 0)) >= self.seconds:
            session[self.KEY] = now
        return response
