'use strict';
// `npm start`: build if needed, then run the API in this process (signals reach it directly).
const path = require('node:path');
require('./ensure-built').ensureBuilt();
require(path.resolve(__dirname, '../dist/apps/api/src/main.js'));
