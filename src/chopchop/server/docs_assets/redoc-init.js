// Starts ReDoc on /schema/redoc. A file, not an inline script: the docs CSP allows scripts from 'self' only.
"use strict";
(function () {
  var root = document.getElementById("redoc");
  Redoc.init(root.dataset.specUrl, { hideDownloadButton: false }, root);
})();
