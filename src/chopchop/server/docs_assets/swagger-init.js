// Starts Swagger UI on /schema/swagger. A file, not an inline script: the docs CSP allows scripts from 'self' only.
// The page says where the document is (data-spec-url); no validator badge (it would call validator.swagger.io).
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
