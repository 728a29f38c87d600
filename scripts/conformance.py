#!/usr/bin/env python3
"""OCI distribution-spec 1.1 conformance checker for a registry with Docker-style token auth.

Written from the specification text (spec.md) and the workflow categories of the official conformance
suite (Pull, Push, Content Discovery, Content Management), independently of any registry's code.
Standard library only, so it runs wherever python3 does.

    python3 scripts/conformance.py --url http://127.0.0.1:5000 --username U --password P \
        --namespace U/conformance [--cross-mount-namespace U/other]

Prints one PASS/FAIL line per check, then "N passed, N failed"; exits 0 only when nothing failed.
"""

import argparse
import base64
import hashlib
import http.client
import json
import os
import re
import sys
import time
import urllib.parse

TIMEOUT_SECONDS = 30

MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
MT_EMPTY = "application/vnd.oci.empty.v1+json"

# spec.md, "Error Codes": "The code field MUST be one of the following".
SPEC_ERROR_CODES = {
    "BLOB_UNKNOWN", "BLOB_UPLOAD_INVALID", "BLOB_UPLOAD_UNKNOWN", "DIGEST_INVALID",
    "MANIFEST_BLOB_UNKNOWN", "MANIFEST_INVALID", "MANIFEST_UNKNOWN", "NAME_INVALID",
    "NAME_UNKNOWN", "SIZE_INVALID", "UNAUTHORIZED", "DENIED", "UNSUPPORTED", "TOOMANYREQUESTS",
}

# Codes a registry declares as extensions (--allow-code), accepted wherever the spec's own code is expected for the
# same condition: e.g. Quay's TAG_EXPIRED for a deleted tag that its time machine can still restore.
EXTENSION_CODES = {"TAG_EXPIRED": "MANIFEST_UNKNOWN"}
ALLOWED_EXTENSIONS = set()


class CheckFailed(Exception):
    pass


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def sha512(data):
    return "sha512:" + hashlib.sha512(data).hexdigest()


def canonical_json(obj):
    return json.dumps(obj, separators=(",", ":"), sort_keys=True).encode()


class Response:
    def __init__(self, method, url, status, headers, body):
        self.method, self.url, self.status, self.headers, self.body = method, url, status, headers, body

    def header(self, name):
        return self.headers.get(name)

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def describe(self):
        snippet = self.body[:300].decode("utf-8", "replace") if self.body else ""
        return f"{self.method} {self.url} -> {self.status}" + (f" body={snippet!r}" if snippet else "")


def parse_challenge(value):
    """Parses `Bearer realm="…",service="…",scope="…"` into (scheme, {param: value})."""
    if not value:
        return None, {}
    scheme, _, rest = value.strip().partition(" ")
    params = dict((k.lower(), v) for k, v in re.findall(r'([A-Za-z]+)="([^"]*)"', rest))
    return scheme.lower(), params


def parse_link_next(value, base):
    """RFC 5988 Link header: returns the absolute URL of rel="next", or None."""
    if not value:
        return None
    for part in value.split(","):
        m = re.match(r'\s*<([^>]*)>(.*)', part)
        if m and re.search(r'rel="?next"?', m.group(2)):
            return urllib.parse.urljoin(base, m.group(1))
    return None


class Registry:
    """HTTP client doing the token dance: one cached token per set of scopes, refreshed on a 401 challenge."""

    def __init__(self, url, username, password):
        self.base = url.rstrip("/")
        self.username, self.password = username, password
        self.realm = self.service = None
        self.tokens = {}  # frozenset(scopes) -> token
        self.responses = []  # every response from the API, for the error-envelope check

    # --- transport -------------------------------------------------------------------------------------
    def raw(self, method, url, headers=None, body=None, follow=True):
        url = urllib.parse.urljoin(self.base + "/", url)
        headers = dict(headers or {})
        for _ in range(6):
            parts = urllib.parse.urlsplit(url)
            conn_cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
            conn = conn_cls(parts.netloc, timeout=TIMEOUT_SECONDS)
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
            try:
                send_headers = dict(headers)
                if body is not None or method in ("POST", "PUT", "PATCH"):
                    send_headers.setdefault("Content-Length", str(len(body or b"")))
                conn.request(method, path, body=body, headers=send_headers)
                resp = conn.getresponse()
                data = resp.read()
                result = Response(method, url, resp.status, resp.headers, data)
            except (OSError, http.client.HTTPException) as e:
                raise CheckFailed(f"{method} {url}: transport error {e!r}")
            finally:
                conn.close()
            # Blob GETs may be redirected to storage; the spec lets registries hand out other URLs.
            if follow and method in ("GET", "HEAD") and result.status in (301, 302, 303, 307, 308):
                new_url = urllib.parse.urljoin(url, result.header("Location") or "")
                if urllib.parse.urlsplit(new_url).netloc != parts.netloc:
                    headers.pop("Authorization", None)  # never leak a registry token to another host
                url = new_url
                continue
            return result
        raise CheckFailed(f"{method} {url}: too many redirects")

    # --- auth ------------------------------------------------------------------------------------------
    def discover_auth(self):
        r = self.raw("GET", "/v2/")
        self.responses.append(r)
        if r.status == 401:
            scheme, params = parse_challenge(r.header("WWW-Authenticate"))
            if scheme == "bearer" and params.get("realm"):
                self.realm, self.service = params["realm"], params.get("service")
        return r

    def token_request(self, scopes, username=None, password=None):
        query = []
        if self.service:
            query.append(("service", self.service))
        query += [("scope", s) for s in sorted(scopes)]
        url = self.realm + ("&" if "?" in self.realm else "?") + urllib.parse.urlencode(query)
        user = self.username if username is None else username
        pw = self.password if password is None else password
        cred = base64.b64encode(f"{user}:{pw}".encode()).decode()
        return self.raw("GET", url, headers={"Authorization": "Basic " + cred})

    def token(self, scopes):
        key = frozenset(scopes)
        if key not in self.tokens:
            if not self.realm:
                raise CheckFailed("no Bearer realm known (GET /v2/ gave no usable challenge)")
            r = self.token_request(key)
            body = r.json() if r.status == 200 else None
            tok = body and (body.get("token") or body.get("access_token"))
            if not tok:
                raise CheckFailed(f"token request for {sorted(key)} failed: {r.describe()}")
            self.tokens[key] = tok
        return self.tokens[key]

    def request(self, method, url, scopes=(), headers=None, body=None, anonymous=False, follow=True):
        """A /v2 API request with a bearer token for the scopes; on a 401 challenge, retries once with its scope."""
        headers = dict(headers or {})
        scopes = set(scopes)
        if not anonymous and scopes:
            headers["Authorization"] = "Bearer " + self.token(scopes)
        r = self.raw(method, url, headers, body, follow)
        if r.status == 401 and not anonymous:
            scheme, params = parse_challenge(r.header("WWW-Authenticate"))
            if scheme == "bearer" and params.get("scope"):
                wanted = scopes | set(params["scope"].split(" "))
                if wanted != scopes:
                    headers["Authorization"] = "Bearer " + self.token(wanted)
                    r = self.raw(method, url, headers, body, follow)
        self.responses.append(r)
        return r


# --- assertions ----------------------------------------------------------------------------------------

def expect_status(r, *expected):
    if r.status not in expected:
        want = " or ".join(str(e) for e in expected)
        raise CheckFailed(f"{r.method} {r.url}: expected status {want}, got {r.status}; body={r.body[:300]!r}")


def expect_header(r, name, expected=None, why=""):
    value = r.header(name)
    if value is None:
        raise CheckFailed(f"{r.method} {r.url}: expected header {name}{' ' + why if why else ''}, got none "
                          f"(status {r.status})")
    if expected is not None and value != expected:
        raise CheckFailed(f"{r.method} {r.url}: expected {name}: {expected!r}, got {value!r}")
    return value


def error_codes(r):
    body = r.json()
    if not isinstance(body, dict) or not isinstance(body.get("errors"), list):
        return None
    return [e.get("code") for e in body["errors"] if isinstance(e, dict)]


def expect_error(r, status, code):
    expect_status(r, status)
    codes = error_codes(r)
    if codes is None:
        raise CheckFailed(f"{r.method} {r.url}: expected error envelope with code {code}, body={r.body[:300]!r}")
    accepted = {code} | {ext for ext in ALLOWED_EXTENSIONS if EXTENSION_CODES.get(ext) == code}
    if not accepted & set(codes):
        raise CheckFailed(f"{r.method} {r.url}: expected error code {code}, got {codes}")


def envelope_problem(r):
    """Why a 4xx response body is not the spec's error envelope, or None when it is."""
    body = r.json()
    if not isinstance(body, dict) or not isinstance(body.get("errors"), list) or not body["errors"]:
        return "body is not {\"errors\":[…]}"
    for e in body["errors"]:
        if not isinstance(e, dict) or "code" not in e:
            return "an error has no code"
        if e["code"] not in SPEC_ERROR_CODES and e["code"] not in ALLOWED_EXTENSIONS:
            return f"code {e['code']!r} is not in the spec's table"
        if "message" in e and not isinstance(e["message"], str):
            return "message is not a string"
    return None


def with_query(location, **params):
    """Appends query parameters to an upload Location, keeping any it already carries (spec: it MAY contain
    critical query parameters)."""
    sep = "&" if urllib.parse.urlsplit(location).query else "?"
    return location + sep + urllib.parse.urlencode(params)


# --- the checks ----------------------------------------------------------------------------------------

class Conformance:
    def __init__(self, args):
        self.reg = Registry(args.url, args.username, args.password)
        self.args = args
        self.ns = args.namespace
        self.other = args.cross_mount_namespace or (args.namespace + "-mount")
        self.run = time.strftime("%Y%m%d%H%M%S") + "-" + os.urandom(4).hex()
        self.state = {}
        self.results = []

    # helpers ------------------------------------------------------------------------------------------
    def scopes(self, *names, actions="pull,push"):
        return {f"repository:{n}:{actions}" for n in names}

    def api(self, method, path, name=None, **kw):
        name = name or self.ns
        return self.reg.request(method, path, scopes=kw.pop("scopes", self.scopes(name)), **kw)

    def need(self, key):
        if key not in self.state:
            raise CheckFailed(f"prerequisite {key!r} missing (an earlier check failed)")
        return self.state[key]

    def unique_bytes(self, label, size=64):
        return f"{label} {self.run} ".encode() + os.urandom(size)

    def start_upload(self, name=None):
        name = name or self.ns
        r = self.api("POST", f"/v2/{name}/blobs/uploads/", name, headers={"Content-Length": "0"})
        expect_status(r, 202)
        return expect_header(r, "Location", why="for the upload session (spec: MUST include Location)")

    def monolithic(self, data, digest=None, name=None):
        """POST then PUT; returns the PUT response."""
        name = name or self.ns
        location = self.start_upload(name)
        return self.api("PUT", with_query(location, digest=digest or sha256(data)), name,
                        headers={"Content-Type": "application/octet-stream"}, body=data)

    def push_blob(self, data, name=None):
        r = self.monolithic(data, name=name)
        expect_status(r, 201)
        return sha256(data)

    def put_manifest(self, ref, body, media_type=MT_MANIFEST, name=None):
        name = name or self.ns
        return self.api("PUT", f"/v2/{name}/manifests/{ref}", name, headers={"Content-Type": media_type}, body=body)

    def image_manifest(self, config, layers, **extra):
        m = {"schemaVersion": 2, "mediaType": MT_MANIFEST,
             "config": {"mediaType": MT_CONFIG, "digest": sha256(config), "size": len(config)},
             "layers": [{"mediaType": MT_LAYER, "digest": sha256(l), "size": len(l)} for l in layers]}
        m.update(extra)
        return json.dumps(m, indent=2).encode()  # not canonical on purpose: the registry must keep bytes as-is

    def tag(self, suffix):
        return f"c{self.run}-{suffix}"

    # base and auth --------------------------------------------------------------------------------------
    def check_base_challenge(self):
        r = self.reg.discover_auth()
        if r.status == 200:
            raise CheckFailed("GET /v2/ answered 200 anonymously; this checker expects token auth (401 challenge)")
        expect_status(r, 401)
        scheme, params = parse_challenge(expect_header(r, "WWW-Authenticate"))
        if scheme != "bearer" or not params.get("realm"):
            raise CheckFailed(f"GET /v2/: expected a Bearer challenge with realm, got "
                              f"{r.header('WWW-Authenticate')!r}")
        if not self.reg.service:
            raise CheckFailed(f"GET /v2/: Bearer challenge has no service: {r.header('WWW-Authenticate')!r}")

    def check_base_with_token(self):
        r = self.reg.request("GET", "/v2/", scopes=self.scopes(self.ns))
        expect_status(r, 200)

    def check_token_wrong_password(self):
        if not self.reg.realm:
            raise CheckFailed("no realm known")
        r = self.reg.token_request({f"repository:{self.ns}:pull"}, password=self.args.password + "-wrong")
        expect_status(r, 401)

    def check_anonymous_pull_challenged(self):
        tag = self.need("tag")
        r = self.reg.request("GET", f"/v2/{self.ns}/manifests/{tag}", headers={"Accept": MT_MANIFEST},
                             anonymous=True)
        expect_status(r, 401)
        value = expect_header(r, "WWW-Authenticate")
        scheme, params = parse_challenge(value)
        wanted = f"repository:{self.ns}:pull"
        if scheme != "bearer" or wanted not in params.get("scope", "").split(" "):
            raise CheckFailed(f"GET {r.url} anonymously: expected Bearer challenge with scope=\"{wanted}\", "
                              f"got {value!r}")

    # push -----------------------------------------------------------------------------------------------
    def check_push_post_put(self):
        config = json.dumps({"architecture": "amd64", "os": "linux", "created": self.run,
                             "rootfs": {"type": "layers", "diff_ids": []},
                             "config": {"Labels": {"run": self.run}}}).encode()
        r = self.monolithic(config)
        expect_status(r, 201)
        expect_header(r, "Location", why="(spec: MUST have Location: <blob-location>)")
        self.state["config"] = config
        # The Location given back must be pullable (relative or absolute, both resolved against the request URL).
        r2 = self.api("GET", urllib.parse.urljoin(r.url, r.header("Location")))
        expect_status(r2, 200)
        if r2.body != config:
            raise CheckFailed(f"GET {r2.url}: body differs from the uploaded blob")

    def check_push_single_post(self):
        layer = self.unique_bytes("layer", 4096)
        d = sha256(layer)
        r = self.api("POST", f"/v2/{self.ns}/blobs/uploads/?digest={d}",
                     headers={"Content-Type": "application/octet-stream"}, body=layer)
        expect_status(r, 201, 202)
        location = expect_header(r, "Location")
        note = None
        if r.status == 202:
            # spec: registries without single-POST support SHOULD answer 202 and the client proceeds with PUT
            r = self.api("PUT", with_query(location, digest=d), headers={"Content-Type": "application/octet-stream"},
                         body=layer)
            expect_status(r, 201)
            note = "registry answered 202 (no single-POST support); completed with PUT as the spec allows"
        self.state["layer"] = layer
        return note

    def check_chunked_first_patch(self):
        blob = self.unique_bytes("chunked", 3000)
        chunk1, chunk2 = blob[:1500], blob[1500:]
        location = self.start_upload()
        r = self.api("PATCH", location, headers={"Content-Type": "application/octet-stream",
                                                 "Content-Range": f"0-{len(chunk1) - 1}"}, body=chunk1)
        expect_status(r, 202)
        new_location = expect_header(r, "Location", why="(spec: chunk upload MUST have Location)")
        expect_header(r, "Range", f"0-{len(chunk1) - 1}")
        self.state["chunked"] = (blob, chunk1, chunk2, urllib.parse.urljoin(r.url, new_location))

    def check_chunked_status(self):
        blob, chunk1, chunk2, location = self.need("chunked")
        r = self.api("GET", location)
        expect_status(r, 204)
        expect_header(r, "Location", why="(spec: upload status MUST have Location)")
        expect_header(r, "Range", f"0-{len(chunk1) - 1}")
        self.state["chunked"] = (blob, chunk1, chunk2, urllib.parse.urljoin(r.url, r.header("Location")))

    def check_chunked_out_of_order(self):
        blob, chunk1, chunk2, location = self.need("chunked")
        # skips bytes: the first byte is not the previous end-of-range plus one
        start = len(chunk1) + 100
        r = self.api("PATCH", location, headers={"Content-Type": "application/octet-stream",
                                                 "Content-Range": f"{start}-{start + len(chunk2) - 1}"}, body=chunk2)
        expect_status(r, 416)
        # the session must survive and still report the accepted range
        r = self.api("GET", location)
        expect_status(r, 204)
        expect_header(r, "Range", f"0-{len(chunk1) - 1}", why="after a rejected out-of-order chunk")

    def check_chunked_fresh_out_of_order(self):
        # spec: "The first chunk's range MUST begin with 0"; a first chunk elsewhere is out of order
        location = self.start_upload()
        r = self.api("PATCH", location, headers={"Content-Type": "application/octet-stream",
                                                 "Content-Range": "10-19"}, body=os.urandom(10))
        expect_status(r, 416)
        self.api("DELETE", location)

    def check_chunked_put_final_chunk(self):
        blob, chunk1, chunk2, location = self.need("chunked")
        start = len(chunk1)
        r = self.api("PUT", with_query(location, digest=sha256(blob)),
                     headers={"Content-Type": "application/octet-stream",
                              "Content-Range": f"{start}-{start + len(chunk2) - 1}"}, body=chunk2)
        expect_status(r, 201)
        expect_header(r, "Location")
        r = self.api("GET", f"/v2/{self.ns}/blobs/{sha256(blob)}")
        expect_status(r, 200)
        if r.body != blob:
            raise CheckFailed(f"GET {r.url}: body ({len(r.body)} bytes) differs from the chunked upload "
                              f"({len(blob)} bytes)")

    def check_chunked_all_patch_then_empty_put(self):
        blob = self.unique_bytes("chunked-patch-only", 2000)
        location = self.start_upload()
        for start in range(0, len(blob), 700):
            chunk = blob[start:start + 700]
            r = self.api("PATCH", location, headers={"Content-Type": "application/octet-stream",
                                                     "Content-Range": f"{start}-{start + len(chunk) - 1}"},
                         body=chunk)
            expect_status(r, 202)
            location = urllib.parse.urljoin(r.url, expect_header(r, "Location"))
        r = self.api("PUT", with_query(location, digest=sha256(blob)), headers={"Content-Length": "0"})
        expect_status(r, 201)
        r = self.api("GET", f"/v2/{self.ns}/blobs/{sha256(blob)}")
        expect_status(r, 200)
        if r.body != blob:
            raise CheckFailed(f"GET {r.url}: body differs from the PATCHed chunks")

    def check_cancel_upload(self):
        location = self.start_upload()
        r = self.api("PATCH", location, headers={"Content-Type": "application/octet-stream",
                                                 "Content-Range": "0-9"}, body=os.urandom(10))
        expect_status(r, 202)
        location = urllib.parse.urljoin(r.url, expect_header(r, "Location"))
        r = self.api("DELETE", location)
        expect_status(r, 204)  # spec: "the response SHOULD be a 204 No Content"; end-14 success is 204
        r = self.api("GET", location)
        expect_error(r, 404, "BLOB_UPLOAD_UNKNOWN")

    def check_mount(self):
        config = self.need("config")
        d = sha256(config)
        scopes = self.scopes(self.other) | {f"repository:{self.ns}:pull"}
        r = self.reg.request("POST", f"/v2/{self.other}/blobs/uploads/?mount={d}&from={self.ns}", scopes=scopes,
                             headers={"Content-Length": "0"})
        expect_status(r, 201)
        expect_header(r, "Location", why="(spec: a successful mount MUST contain Location)")
        r = self.api("HEAD", f"/v2/{self.other}/blobs/{d}", self.other)
        expect_status(r, 200)

    def check_mount_unknown_falls_back(self):
        d = sha256(self.unique_bytes("never-uploaded"))
        scopes = self.scopes(self.other) | {f"repository:{self.ns}:pull"}
        r = self.reg.request("POST", f"/v2/{self.other}/blobs/uploads/?mount={d}&from={self.ns}", scopes=scopes,
                             headers={"Content-Length": "0"})
        expect_status(r, 202)  # spec: "unable to mount the requested blob, it SHOULD return a 202"
        location = expect_header(r, "Location", why="for the upload session the 202 begins")
        # the session is real: it takes the upload
        data = self.unique_bytes("mount-fallback")
        r = self.api("PUT", with_query(urllib.parse.urljoin(r.url, location), digest=sha256(data)), self.other,
                     headers={"Content-Type": "application/octet-stream"}, body=data)
        expect_status(r, 201)

    def check_location_forms(self):
        """Both an absolute and a path-only form of an upload Location must work (spec: MAY be either)."""
        location = self.start_upload()
        absolute = urllib.parse.urljoin(self.reg.base + "/", location)
        parts = urllib.parse.urlsplit(absolute)
        relative = parts.path + ("?" + parts.query if parts.query else "")
        r = self.api("GET", absolute)
        expect_status(r, 204)
        r = self.api("GET", relative)
        expect_status(r, 204)
        self.api("DELETE", absolute)

    def check_digest_mismatch(self):
        data = self.unique_bytes("mismatch")
        wrong = sha256(data + b"x")
        r = self.monolithic(data, digest=wrong)
        expect_error(r, 400, "DIGEST_INVALID")
        r = self.api("HEAD", f"/v2/{self.ns}/blobs/{wrong}")
        expect_status(r, 404)

    def check_sha512_upload(self):
        data = self.unique_bytes("sha512", 256)
        d = sha512(data)
        r = self.monolithic(data, digest=d)
        expect_status(r, 201)
        r = self.api("GET", f"/v2/{self.ns}/blobs/{d}")
        expect_status(r, 200)
        if r.body != data:
            raise CheckFailed(f"GET {r.url}: body differs from the sha512 upload")
        dcd = r.header("Docker-Content-Digest")
        if dcd is not None and dcd not in (d, sha256(data)):
            raise CheckFailed(f"GET {r.url}: Docker-Content-Digest {dcd!r} matches neither digest of the body")

    def check_push_manifest_by_tag(self):
        config, layer = self.need("config"), self.need("layer")
        body = self.image_manifest(config, [layer], annotations={"run": self.run})
        tag = self.tag("a")
        r = self.put_manifest(tag, body)
        expect_status(r, 201)
        expect_header(r, "Location", why="(spec: MUST include Location)")
        expect_header(r, "Docker-Content-Digest", sha256(body))
        self.state.update(manifest=body, tag=tag, digest=sha256(body))

    def check_push_manifest_by_digest(self):
        config, layer = self.need("config"), self.need("layer")
        body = self.image_manifest(config, [layer], annotations={"run": self.run, "by": "digest"})
        d = sha256(body)
        r = self.put_manifest(d, body)
        expect_status(r, 201)
        expect_header(r, "Location")
        expect_header(r, "Docker-Content-Digest", d)
        r = self.api("GET", f"/v2/{self.ns}/manifests/{d}", headers={"Accept": MT_MANIFEST})
        expect_status(r, 200)
        if r.body != body:
            raise CheckFailed(f"GET {r.url}: body differs from the pushed manifest")

    def check_manifest_blob_unknown(self):
        config = self.need("config")
        missing = self.unique_bytes("missing-layer")
        r = self.put_manifest(self.tag("missing"), self.image_manifest(config, [missing]))
        expect_error(r, 400, "MANIFEST_BLOB_UNKNOWN")

    def check_manifest_invalid_json(self):
        r = self.put_manifest(self.tag("invalid"), b'{"schemaVersion": 2, "mediaType": "' + MT_MANIFEST.encode()
                              + b'", "config": {')
        expect_error(r, 400, "MANIFEST_INVALID")

    def check_streamed_patch(self):
        # official suite "Blob Upload Streamed": a PATCH without Content-Range carries the whole blob
        blob = self.unique_bytes("streamed", 1024)
        location = self.start_upload()
        r = self.api("PATCH", location, headers={"Content-Type": "application/octet-stream"}, body=blob)
        expect_status(r, 202)
        location = urllib.parse.urljoin(r.url, expect_header(r, "Location"))
        r = self.api("PUT", with_query(location, digest=sha256(blob)), headers={"Content-Length": "0"})
        expect_status(r, 201)
        r = self.api("GET", f"/v2/{self.ns}/blobs/{sha256(blob)}")
        expect_status(r, 200)
        if r.body != blob:
            raise CheckFailed(f"GET {r.url}: body differs from the streamed upload")

    def check_manifest_digest_mismatch(self):
        config, layer = self.need("config"), self.need("layer")
        body = self.image_manifest(config, [layer], annotations={"run": self.run, "mismatch": "yes"})
        wrong = sha256(body + b" ")
        r = self.put_manifest(wrong, body)
        expect_status(r, 400)  # the body cannot be stored under a digest it does not hash to
        r = self.api("HEAD", f"/v2/{self.ns}/manifests/{wrong}")
        expect_status(r, 404)

    def check_push_index(self):
        manifest = self.need("manifest")
        index = json.dumps({"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": [
            {"mediaType": MT_MANIFEST, "digest": sha256(manifest), "size": len(manifest),
             "platform": {"architecture": "amd64", "os": "linux"}}],
            "annotations": {"run": self.run}}, indent=1).encode()
        tag = self.tag("index")
        r = self.put_manifest(tag, index, MT_INDEX)
        expect_status(r, 201)
        expect_header(r, "Docker-Content-Digest", sha256(index))
        r = self.api("GET", f"/v2/{self.ns}/manifests/{tag}", headers={"Accept": MT_INDEX})
        expect_status(r, 200)
        expect_header(r, "Content-Type", MT_INDEX)
        if r.body != index:
            raise CheckFailed(f"GET {r.url}: body is not byte-identical to the pushed index")

    def check_index_manifest_unknown(self):
        missing = self.unique_bytes("missing-manifest")
        index = json.dumps({"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": [
            {"mediaType": MT_MANIFEST, "digest": sha256(missing), "size": len(missing)}]}).encode()
        r = self.put_manifest(self.tag("index-missing"), index, MT_INDEX)
        # spec: MANIFEST_BLOB_UNKNOWN "manifest references a manifest or blob unknown to registry"
        expect_error(r, 400, "MANIFEST_BLOB_UNKNOWN")

    # pull -----------------------------------------------------------------------------------------------
    def _check_manifest(self, method, ref):
        body, d = self.need("manifest"), self.need("digest")
        r = self.api(method, f"/v2/{self.ns}/manifests/{ref}", headers={"Accept": MT_MANIFEST})
        expect_status(r, 200)
        expect_header(r, "Content-Type", MT_MANIFEST)
        expect_header(r, "Docker-Content-Digest", d)
        if method == "GET":
            if r.body != body:
                raise CheckFailed(f"GET {r.url}: body ({len(r.body)} bytes) is not byte-identical to the pushed "
                                  f"manifest ({len(body)} bytes)")
            if sha256(r.body) != d:
                raise CheckFailed(f"GET {r.url}: sha256 of body {sha256(r.body)} != {d}")
        else:
            length = r.header("Content-Length")
            if length is not None and int(length) != len(body):
                raise CheckFailed(f"HEAD {r.url}: Content-Length {length} != {len(body)}")

    def check_head_manifest_tag(self):
        self._check_manifest("HEAD", self.need("tag"))

    def check_get_manifest_tag(self):
        self._check_manifest("GET", self.need("tag"))

    def check_head_manifest_digest(self):
        self._check_manifest("HEAD", self.need("digest"))

    def check_get_manifest_digest(self):
        self._check_manifest("GET", self.need("digest"))

    def check_head_blob(self):
        layer = self.need("layer")
        r = self.api("HEAD", f"/v2/{self.ns}/blobs/{sha256(layer)}")
        expect_status(r, 200)
        expect_header(r, "Content-Length", str(len(layer)))
        expect_header(r, "Docker-Content-Digest", sha256(layer))

    def check_get_blob(self):
        layer = self.need("layer")
        r = self.api("GET", f"/v2/{self.ns}/blobs/{sha256(layer)}")
        expect_status(r, 200)
        if sha256(r.body) != sha256(layer):
            raise CheckFailed(f"GET {r.url}: body hashes to {sha256(r.body)}")
        expect_header(r, "Content-Length", str(len(layer)))
        dcd = r.header("Docker-Content-Digest")
        if dcd is not None and dcd != sha256(layer):  # spec: "If present, … MUST be a digest matching …"
            raise CheckFailed(f"GET {r.url}: Docker-Content-Digest {dcd!r} != {sha256(layer)}")

    def check_get_blob_range(self):
        layer = self.need("layer")
        r = self.api("GET", f"/v2/{self.ns}/blobs/{sha256(layer)}", headers={"Range": "bytes=0-9"})
        expect_status(r, 206)
        expect_header(r, "Content-Range", f"bytes 0-9/{len(layer)}")
        if r.body != layer[:10]:
            raise CheckFailed(f"GET {r.url} Range: bytes=0-9: body {r.body[:20]!r} != first 10 bytes")

    def check_manifest_unknown(self):
        r = self.api("GET", f"/v2/{self.ns}/manifests/{self.tag('nonexistent')}", headers={"Accept": MT_MANIFEST})
        expect_error(r, 404, "MANIFEST_UNKNOWN")
        r = self.api("GET", f"/v2/{self.ns}/manifests/{sha256(self.unique_bytes('no-manifest'))}",
                     headers={"Accept": MT_MANIFEST})
        expect_error(r, 404, "MANIFEST_UNKNOWN")
        r = self.api("HEAD", f"/v2/{self.ns}/manifests/{self.tag('nonexistent')}")
        expect_status(r, 404)

    def check_blob_unknown(self):
        d = sha256(self.unique_bytes("no-blob"))
        r = self.api("GET", f"/v2/{self.ns}/blobs/{d}")
        expect_error(r, 404, "BLOB_UNKNOWN")
        r = self.api("HEAD", f"/v2/{self.ns}/blobs/{d}")
        expect_status(r, 404)

    # content discovery -----------------------------------------------------------------------------------
    def check_tags_list(self):
        d, body = self.need("digest"), self.need("manifest")
        extra = [self.tag(s) for s in ("b", "c", "d", "e")]
        for t in extra:
            expect_status(self.put_manifest(t, body), 201)
        r = self.api("GET", f"/v2/{self.ns}/tags/list")
        expect_status(r, 200)
        doc = r.json() or {}
        tags = doc.get("tags")
        if doc.get("name") != self.ns or not isinstance(tags, list):
            raise CheckFailed(f"GET {r.url}: expected {{\"name\": {self.ns!r}, \"tags\": [...]}}, got {r.body[:300]!r}")
        missing = [t for t in [self.need("tag")] + extra if t not in tags]
        if missing:
            raise CheckFailed(f"GET {r.url}: tags {missing} missing from {tags}")
        if tags != sorted(tags) and tags != sorted(tags, key=str.lower):
            raise CheckFailed(f"GET {r.url}: tags not in lexical order: {tags}")
        self.state["tags"] = tags

    def check_tags_pagination(self):
        all_tags = self.need("tags")
        url = f"/v2/{self.ns}/tags/list?n=2"
        seen, pages = [], 0
        while url:
            pages += 1
            if pages > len(all_tags) + 2:
                raise CheckFailed(f"pagination does not end after {pages} pages")
            r = self.api("GET", url)
            expect_status(r, 200)
            page = (r.json() or {}).get("tags") or []
            nxt = parse_link_next(r.header("Link"), r.url)
            if len(page) > 2:
                raise CheckFailed(f"GET {r.url}: n=2 returned {len(page)} tags")
            if len(page) < 2 and nxt is None and len(seen) + len(page) < len(all_tags):
                raise CheckFailed(f"GET {r.url}: returned {len(page)} tags with no Link though more remain")
            if len(seen) + len(page) < len(all_tags) and nxt is None:
                raise CheckFailed(f"GET {r.url}: more tags remain but no Link: <…>; rel=\"next\" header")
            seen += page
            url = nxt
        if seen != all_tags:
            raise CheckFailed(f"following Link from ?n=2 gave {seen}, full list is {all_tags}")
        # last: the tags strictly after the given one
        mid = all_tags.index(self.tag("b"))
        r = self.api("GET", f"/v2/{self.ns}/tags/list?n=2&last={urllib.parse.quote(self.tag('b'))}")
        expect_status(r, 200)
        page = (r.json() or {}).get("tags")
        if page != all_tags[mid + 1:mid + 3]:
            raise CheckFailed(f"GET {r.url}: expected {all_tags[mid + 1:mid + 3]}, got {page}")

    def _push_referrer(self, artifact_type, annotations, config_media_type=MT_EMPTY, config=b"{}"):
        subject_body = self.need("manifest")
        blob = self.unique_bytes("referrer-blob")
        self.push_blob(config)
        self.push_blob(blob)
        m = {"schemaVersion": 2, "mediaType": MT_MANIFEST,
             "config": {"mediaType": config_media_type, "digest": sha256(config), "size": len(config)},
             "layers": [{"mediaType": "application/octet-stream", "digest": sha256(blob), "size": len(blob)}],
             "subject": {"mediaType": MT_MANIFEST, "digest": sha256(subject_body), "size": len(subject_body)},
             "annotations": annotations}
        if artifact_type:
            m["artifactType"] = artifact_type
        body = json.dumps(m).encode()
        r = self.put_manifest(sha256(body), body)
        expect_status(r, 201)
        expect_header(r, "OCI-Subject", sha256(subject_body),
                      why="(spec: registries processing subject return OCI-Subject)")
        return body

    def check_push_referrer(self):
        self.need("manifest")
        t1 = "application/vnd.example.conformance.sbom.v1+json"
        t2 = "application/vnd.example.conformance.sig.v1+json"
        a1 = self._push_referrer(t1, {"org.example.run": self.run, "org.example.kind": "sbom"})
        self.state["referrers"] = {sha256(a1): (a1, t1, {"org.example.run": self.run, "org.example.kind": "sbom"})}
        a2 = self._push_referrer(t2, {"org.example.run": self.run, "org.example.kind": "sig"})
        self.state["referrers"][sha256(a2)] = (a2, t2, {"org.example.run": self.run, "org.example.kind": "sig"})
        self.state["referrer_types"] = (t1, t2)

    def _referrers(self, digest, query=""):
        r = self.api("GET", f"/v2/{self.ns}/referrers/{digest}{query}")
        expect_status(r, 200)
        expect_header(r, "Content-Type", MT_INDEX)
        doc = r.json()
        if not isinstance(doc, dict) or doc.get("schemaVersion") != 2 or doc.get("mediaType") != MT_INDEX \
                or not isinstance(doc.get("manifests"), list):
            raise CheckFailed(f"GET {r.url}: not an OCI image index: {r.body[:300]!r}")
        manifests, url = list(doc["manifests"]), parse_link_next(r.header("Link"), r.url)
        while url:  # spec: a registry that pages MUST give a Link to the next page
            r = self.api("GET", url)
            expect_status(r, 200)
            manifests += (r.json() or {}).get("manifests") or []
            url = parse_link_next(r.header("Link"), r.url)
        return r, manifests

    def check_referrers_list(self):
        expected = self.need("referrers")
        _, manifests = self._referrers(self.need("digest"))
        by_digest = {m.get("digest"): m for m in manifests}
        for d, (body, artifact_type, annotations) in expected.items():
            desc = by_digest.get(d)
            if desc is None:
                raise CheckFailed(f"referrers of {self.need('digest')}: {d} missing from {sorted(by_digest)}")
            want = {"mediaType": MT_MANIFEST, "size": len(body), "artifactType": artifact_type}
            for k, v in want.items():
                if desc.get(k) != v:
                    raise CheckFailed(f"referrers descriptor {d}: {k} expected {v!r}, got {desc.get(k)!r}")
            if desc.get("annotations") != annotations:  # spec: MUST include all annotations of the manifest
                raise CheckFailed(f"referrers descriptor {d}: annotations expected {annotations}, "
                                  f"got {desc.get('annotations')}")

    def check_referrers_filter(self):
        t1, t2 = self.need("referrer_types")
        r, manifests = self._referrers(self.need("digest"), "?artifactType=" + urllib.parse.quote(t1, safe=""))
        applied = r.header("OCI-Filters-Applied")
        if applied is None or "artifactType" not in [s.strip() for s in applied.split(",")]:
            raise CheckFailed(f"GET {r.url}: expected OCI-Filters-Applied: artifactType, got {applied!r}")
        types = {m.get("artifactType") for m in manifests}
        if types != {t1}:
            raise CheckFailed(f"GET {r.url}: filtered list has artifact types {types}, expected only {t1}")

    def check_referrers_config_type_fallback(self):
        # spec: a referrer manifest without artifactType is listed with its config's mediaType
        config_type = "application/vnd.example.conformance.config.v1+json"
        config = json.dumps({"run": self.run}).encode()
        body = self._push_referrer(None, {"org.example.run": self.run}, config_type, config)
        _, manifests = self._referrers(self.need("digest"))
        desc = next((m for m in manifests if m.get("digest") == sha256(body)), None)
        if desc is None:
            raise CheckFailed(f"referrer {sha256(body)} missing from the referrers list")
        if desc.get("artifactType") != config_type:
            raise CheckFailed(f"referrer {sha256(body)}: artifactType expected {config_type!r} (config mediaType), "
                              f"got {desc.get('artifactType')!r}")

    def check_referrer_missing_subject(self):
        # the official suite pushes a referrer whose subject is not (yet) in the repository and expects it listed
        ghost = self.unique_bytes("ghost-subject")
        config, blob = b"{}", self.unique_bytes("ghost-referrer-blob")
        self.push_blob(config)
        self.push_blob(blob)
        artifact_type = "application/vnd.example.conformance.ghost.v1+json"
        body = json.dumps({"schemaVersion": 2, "mediaType": MT_MANIFEST, "artifactType": artifact_type,
                           "config": {"mediaType": MT_EMPTY, "digest": sha256(config), "size": len(config)},
                           "layers": [{"mediaType": "application/octet-stream", "digest": sha256(blob),
                                       "size": len(blob)}],
                           "subject": {"mediaType": MT_MANIFEST, "digest": sha256(ghost), "size": len(ghost)},
                           "annotations": {"org.example.run": self.run}}).encode()
        r = self.put_manifest(sha256(body), body)
        expect_status(r, 201)
        expect_header(r, "OCI-Subject", sha256(ghost))
        _, manifests = self._referrers(sha256(ghost))
        if [m.get("digest") for m in manifests] != [sha256(body)]:
            raise CheckFailed(f"referrers of absent subject {sha256(ghost)}: expected [{sha256(body)}], "
                              f"got {[m.get('digest') for m in manifests]}")

    def check_index_referrer(self):
        subject = self.need("manifest")
        artifact_type = "application/vnd.example.conformance.index-artifact.v1+json"
        body = json.dumps({"schemaVersion": 2, "mediaType": MT_INDEX, "artifactType": artifact_type,
                           "manifests": [{"mediaType": MT_MANIFEST, "digest": sha256(subject),
                                          "size": len(subject)}],
                           "subject": {"mediaType": MT_MANIFEST, "digest": sha256(subject), "size": len(subject)},
                           "annotations": {"org.example.run": self.run}}).encode()
        r = self.put_manifest(sha256(body), body, MT_INDEX)
        expect_status(r, 201)
        expect_header(r, "OCI-Subject", sha256(subject))
        _, manifests = self._referrers(sha256(subject))
        desc = next((m for m in manifests if m.get("digest") == sha256(body)), None)
        if desc is None:
            raise CheckFailed(f"index referrer {sha256(body)} missing from the referrers list")
        if desc.get("mediaType") != MT_INDEX or desc.get("artifactType") != artifact_type:
            raise CheckFailed(f"index referrer descriptor: expected mediaType {MT_INDEX} and artifactType "
                              f"{artifact_type}, got {desc}")

    def check_tags_list_unknown_repository(self):
        name = f"{self.ns}-absent-{self.run}"
        r = self.api("GET", f"/v2/{name}/tags/list", name)
        expect_status(r, 404)  # end-8a: failure is 404

    def check_referrers_empty(self):
        d = sha256(self.unique_bytes("no-referrers"))
        _, manifests = self._referrers(d)
        if manifests:
            raise CheckFailed(f"referrers of unknown {d}: expected empty manifests, got {manifests}")

    def check_referrers_invalid_digest(self):
        r = self.api("GET", f"/v2/{self.ns}/referrers/sha256:not-a-digest")
        expect_status(r, 400)  # spec: "<digest> has invalid syntax, the registry MUST return 400"

    def check_catalog(self):
        self.need("digest")
        # the mount target holds a blob only; make it a repository with a manifest for sure
        expect_status(self.put_manifest(self.tag("m"), self.image_manifest(self.need("config"), []),
                                        name=self.other), 201)
        scopes = {"registry:catalog:*"}
        r = self.reg.request("GET", "/v2/_catalog", scopes=scopes)
        expect_status(r, 200)
        repos = (r.json() or {}).get("repositories")
        if not isinstance(repos, list):
            raise CheckFailed(f"GET {r.url}: expected {{\"repositories\": [...]}}, got {r.body[:300]!r}")
        url = parse_link_next(r.header("Link"), r.url)
        pages = 0
        while url and self.ns not in repos:
            pages += 1
            if pages > 1000:
                raise CheckFailed("catalog pagination does not end")
            r = self.reg.request("GET", url, scopes=scopes)
            expect_status(r, 200)
            repos += (r.json() or {}).get("repositories") or []
            url = parse_link_next(r.header("Link"), r.url)
        if self.ns not in repos:
            raise CheckFailed(f"GET /v2/_catalog: {self.ns} missing from {repos[:50]}")
        self.state["catalog"] = True

    def check_catalog_pagination(self):
        self.need("catalog")  # both repositories exist only once that check has pushed to them
        scopes = {"registry:catalog:*"}
        url, seen, pages = "/v2/_catalog?n=1", [], 0
        while url:
            pages += 1
            if pages > 1000:
                raise CheckFailed("catalog pagination does not end")
            r = self.reg.request("GET", url, scopes=scopes)
            expect_status(r, 200)
            page = (r.json() or {}).get("repositories")
            if not isinstance(page, list) or len(page) > 1:
                raise CheckFailed(f"GET {r.url}: expected at most 1 repository, got {page!r}")
            url = parse_link_next(r.header("Link"), r.url)
            if pages == 1 and url is None:
                raise CheckFailed(f"GET {r.url}: the user sees at least {self.ns} and {self.other}, but the first "
                                  f"page of n=1 has no Link: <…>; rel=\"next\"")
            seen += page
        for name in (self.ns, self.other):
            if name not in seen:
                raise CheckFailed(f"following Link from /v2/_catalog?n=1: {name} missing from {seen[:50]}")
        if len(seen) != len(set(seen)):
            raise CheckFailed(f"/v2/_catalog pages repeat repositories: {seen[:50]}")

    # content management ---------------------------------------------------------------------------------
    def check_delete_tag(self):
        body = self.need("manifest")
        tag = self.tag("delete-me")
        expect_status(self.put_manifest(tag, body), 201)
        r = self.api("DELETE", f"/v2/{self.ns}/manifests/{tag}")
        expect_status(r, 202)  # spec: "Upon success, the registry MUST respond with a 202 Accepted code"
        r = self.api("GET", f"/v2/{self.ns}/manifests/{tag}", headers={"Accept": MT_MANIFEST})
        expect_error(r, 404, "MANIFEST_UNKNOWN")

    def check_delete_manifest(self):
        config = self.need("config")
        layer = self.unique_bytes("doomed-layer", 512)
        self.push_blob(layer)
        body = self.image_manifest(config, [layer], annotations={"run": self.run, "doomed": "yes"})
        d, tag = sha256(body), self.tag("doomed")
        expect_status(self.put_manifest(tag, body), 201)
        r = self.api("DELETE", f"/v2/{self.ns}/manifests/{d}")
        expect_status(r, 202)
        r = self.api("GET", f"/v2/{self.ns}/manifests/{d}", headers={"Accept": MT_MANIFEST})
        expect_error(r, 404, "MANIFEST_UNKNOWN")
        # spec: "a GET to … <digest> and any tag pointing to that digest will return a 404"
        r = self.api("GET", f"/v2/{self.ns}/manifests/{tag}", headers={"Accept": MT_MANIFEST})
        expect_status(r, 404)
        self.state["orphan_layer"] = layer

    def check_delete_blob(self):
        layer = self.need("orphan_layer")
        d = sha256(layer)
        r = self.api("DELETE", f"/v2/{self.ns}/blobs/{d}")
        if r.status == 405 or (error_codes(r) or []) == ["UNSUPPORTED"]:
            raise CheckFailed(f"DELETE {r.url} (its only manifest already deleted): {r.status} {error_codes(r)}: "
                              f"blob deletion refused as unsupported, but the registry claims to support it; "
                              f"body={r.body[:300]!r}")
        expect_status(r, 202)  # spec: "Upon success, the registry MUST respond with code 202 Accepted"
        r = self.api("GET", f"/v2/{self.ns}/blobs/{d}")
        expect_error(r, 404, "BLOB_UNKNOWN")
        r = self.api("DELETE", f"/v2/{self.ns}/blobs/{d}")
        expect_status(r, 404)  # spec: "If the blob is not found, a 404 Not Found code MUST be returned"

    def check_delete_referrer(self):
        referrers = self.need("referrers")
        d = next(iter(referrers))
        r = self.api("DELETE", f"/v2/{self.ns}/manifests/{d}")
        expect_status(r, 202)
        _, manifests = self._referrers(self.need("digest"))
        if any(m.get("digest") == d for m in manifests):
            raise CheckFailed(f"deleted referrer {d} is still listed by the referrers API")

    def check_error_envelopes(self):
        bad = []
        realm = self.reg.realm or "\0"
        for r in self.reg.responses:
            if not 400 <= r.status < 500 or r.method == "HEAD" or r.url.startswith(realm):
                continue
            problem = envelope_problem(r)
            if problem:
                bad.append(f"{r.method} {r.url} -> {r.status}: {problem} (body={r.body[:120]!r})")
        if bad:
            raise CheckFailed(f"{len(bad)} 4xx responses without the spec's error envelope: " + "; ".join(bad[:10]))
        return f"{sum(1 for r in self.reg.responses if 400 <= r.status < 500 and r.method != 'HEAD')} 4xx bodies checked"

    # runner ---------------------------------------------------------------------------------------------
    CHECKS = [
        ("auth: GET /v2/ anonymously gives a Bearer challenge", "check_base_challenge"),
        ("auth: GET /v2/ with a token gives 200", "check_base_with_token"),
        ("auth: wrong password at the token endpoint gives 401", "check_token_wrong_password"),
        ("push: POST then PUT monolithic upload", "check_push_post_put"),
        ("push: single POST upload with ?digest=", "check_push_single_post"),
        ("push: chunked upload, first PATCH", "check_chunked_first_patch"),
        ("push: chunked upload, GET upload status reports Range", "check_chunked_status"),
        ("push: chunked upload, out-of-order PATCH gives 416", "check_chunked_out_of_order"),
        ("push: chunked upload, first PATCH not at 0 gives 416", "check_chunked_fresh_out_of_order"),
        ("push: chunked upload, PUT with the final chunk", "check_chunked_put_final_chunk"),
        ("push: chunked upload, all PATCH then empty PUT", "check_chunked_all_patch_then_empty_put"),
        ("push: streamed PATCH without Content-Range", "check_streamed_patch"),
        ("push: cancelled upload then 404 BLOB_UPLOAD_UNKNOWN", "check_cancel_upload"),
        ("push: upload Location usable absolute and relative", "check_location_forms"),
        ("push: cross-repository mount gives 201", "check_mount"),
        ("push: mount of an unknown blob falls back to 202", "check_mount_unknown_falls_back"),
        ("push: digest mismatch gives 400 DIGEST_INVALID", "check_digest_mismatch"),
        ("push: sha512 blob upload", "check_sha512_upload"),
        ("push: image manifest by tag", "check_push_manifest_by_tag"),
        ("push: image manifest by digest", "check_push_manifest_by_digest"),
        ("push: manifest with a missing blob gives 400 MANIFEST_BLOB_UNKNOWN", "check_manifest_blob_unknown"),
        ("push: invalid manifest JSON gives 400 MANIFEST_INVALID", "check_manifest_invalid_json"),
        ("push: manifest PUT under a digest it does not hash to gives 400", "check_manifest_digest_mismatch"),
        ("push: image index by tag", "check_push_index"),
        ("push: image index naming an unknown manifest gives 400 MANIFEST_BLOB_UNKNOWN",
         "check_index_manifest_unknown"),
        ("pull: HEAD manifest by tag", "check_head_manifest_tag"),
        ("pull: GET manifest by tag", "check_get_manifest_tag"),
        ("pull: HEAD manifest by digest", "check_head_manifest_digest"),
        ("pull: GET manifest by digest", "check_get_manifest_digest"),
        ("pull: HEAD blob", "check_head_blob"),
        ("pull: GET blob", "check_get_blob"),
        ("pull: GET blob with Range gives 206", "check_get_blob_range"),
        ("pull: unknown manifest gives 404 MANIFEST_UNKNOWN", "check_manifest_unknown"),
        ("pull: unknown blob gives 404 BLOB_UNKNOWN", "check_blob_unknown"),
        ("auth: anonymous pull of the private repository is challenged with its pull scope",
         "check_anonymous_pull_challenged"),
        ("discovery: tags list", "check_tags_list"),
        ("discovery: tags list pagination with n, Link and last", "check_tags_pagination"),
        ("discovery: push a referrer gives OCI-Subject", "check_push_referrer"),
        ("discovery: referrers list", "check_referrers_list"),
        ("discovery: referrers artifactType filter", "check_referrers_filter"),
        ("discovery: referrer without artifactType listed with config mediaType",
         "check_referrers_config_type_fallback"),
        ("discovery: referrer of a subject not in the repository", "check_referrer_missing_subject"),
        ("discovery: image index as a referrer", "check_index_referrer"),
        ("discovery: tags list of an unknown repository gives 404", "check_tags_list_unknown_repository"),
        ("discovery: referrers of a digest without referrers is an empty index", "check_referrers_empty"),
        ("discovery: referrers of an invalid digest gives 400", "check_referrers_invalid_digest"),
        ("catalog: lists the test repository", "check_catalog"),
        ("catalog: pagination with n and Link", "check_catalog_pagination"),
        ("management: DELETE tag", "check_delete_tag"),
        ("management: DELETE manifest by digest", "check_delete_manifest"),
        ("management: DELETE blob", "check_delete_blob"),
        ("management: deleted referrer leaves the referrers list", "check_delete_referrer"),
        ("errors: every 4xx body is the spec's error envelope", "check_error_envelopes"),
    ]

    def run_all(self):
        print(f"run {self.run}: {self.reg.base} namespace={self.ns} mount-namespace={self.other}", flush=True)
        for name, method in self.CHECKS:
            try:
                note = getattr(self, method)()
                ok, detail = True, note
            except CheckFailed as e:
                ok, detail = False, str(e)
            except Exception as e:  # a checker bug must still be reported, not abort the run
                ok, detail = False, f"checker error {type(e).__name__}: {e}"
            self.results.append(ok)
            print(f"{'PASS' if ok else 'FAIL'}  {name}" + (f": {detail}" if detail else ""), flush=True)
        passed = sum(self.results)
        failed = len(self.results) - passed
        print(f"{passed} passed, {failed} failed", flush=True)
        return failed == 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True, help="registry base URL, e.g. http://127.0.0.1:5000")
    p.add_argument("--username", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--namespace", required=True, help="repository to test in, e.g. alice/conformance")
    p.add_argument("--cross-mount-namespace", help="second repository for mounts (default: <namespace>-mount)")
    p.add_argument("--allow-code", action="append", default=[], choices=sorted(EXTENSION_CODES),
                   help="an extension error code the registry documents, accepted in place of the spec's")
    args = p.parse_args()
    ALLOWED_EXTENSIONS.update(args.allow_code)
    return 0 if Conformance(args).run_all() else 1


if __name__ == "__main__":
    sys.exit(main())
