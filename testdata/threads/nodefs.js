// nodefs.js: node with fs callbacks (libuv's thread pool), timers,
// Math.random and Date.now. Reads its own source and /etc/hostname with
// fs.readFile (callbacks in completion order), writes and reads back a
// temporary file, and prints from timers of 1, 2 and 3 ms each with
// Math.random() and Date.now(). Output lines come in callback order.
// Exit status 0.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

console.log('start', Date.now(), Math.random());
for (const f of [__filename, '/etc/hostname', '/etc/passwd']) {
  fs.readFile(f, (err, data) => {
    console.log('read', path.basename(f), err ? err.code : data.length);
  });
}
const tmp = path.join(os.tmpdir(), 'nodefs-' + process.pid + '.txt');
fs.writeFile(tmp, 'hello ' + Math.random() + '\n', (err) => {
  if (err) throw err;
  fs.readFile(tmp, 'utf8', (err, s) => {
    console.log('tmp', err ? err.code : s.trim());
    fs.unlink(tmp, () => console.log('unlinked'));
  });
});
for (const ms of [1, 2, 3]) {
  setTimeout(() => console.log('timer', ms, Date.now(), Math.random()), ms);
}
process.on('exit', (code) => console.log('exit', code));
