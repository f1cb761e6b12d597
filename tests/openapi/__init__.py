"""The API document: the committed contract, its helpers (lib/apidoc.py), fuzzing and SDKs generated from it."""
