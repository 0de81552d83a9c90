#!/usr/bin/env node
// The installed command: runs the compiled CLI (built by `npm run build`, which `npm ci` runs).
import "../dist/cli/main.js";
