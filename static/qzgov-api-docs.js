/* /api/docs (issue 14 §6): Swagger UI over /api/openapi.json. A file of this site, not an
   inline script (CSP script-src 'self'); "Try it out" sends the page's session cookie and,
   for writes, its CSRF token. */
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  if (!node || typeof SwaggerUIBundle === "undefined") {
    return;
  }
  var csrf = node.dataset.csrfToken;
  window.qzgovApiDocs = SwaggerUIBundle({
    url: node.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    layout: "BaseLayout",
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    requestInterceptor: function (request) {
      if (csrf && request.method && request.method !== "GET") {
        request.headers["X-CSRFToken"] = csrf;
      }
      return request;
    }
  });
}());
