// Starts Scalar on /schema/scalar. A file, not an inline script: the docs CSP allows scripts from 'self' only.
// Nothing that talks to Scalar's services: no default fonts (fonts.scalar.com), no telemetry, no AI agent, no MCP
// button, no developer tools (share/deploy); the API client ("Test request") calls this API itself.
"use strict";
(function () {
  var root = document.getElementById("scalar");
  Scalar.createApiReference(root, {
    url: root.dataset.specUrl,
    withDefaultFonts: false,
    telemetry: false,
    agent: { disabled: true },
    mcp: { disabled: true },
    showDeveloperTools: "never",
  });
})();
