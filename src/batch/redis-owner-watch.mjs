// The embedded redis-server dies with the command that started it (issue 17, RELIABILITY F1).
// A command killed with SIGKILL cannot stop its redis-server; this tiny child of the command can:
// it polls every 250 ms, and once its parent is gone (it is re-parented) it stops the server with
// SIGTERM (Redis writes its append-only file and exits), SIGKILL after 3 s. It exits by itself when
// the server exits first (a normal stop, or a restart that brings a new server and a new watcher).
// Plain JavaScript, no imports from the project: it must start fast and run from src/ or dist/.
// Usage: node redis-owner-watch.mjs <ownerPid> <redisPid>
import fs from 'node:fs';

const [owner, redis] = process.argv.slice(2).map(Number);

function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  try {
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8')); // a zombie is dead
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

function stopServer() {
  try {
    process.kill(redis, 'SIGTERM');
  } catch {
    process.exit(0);
  }
  const deadline = Date.now() + 3_000;
  setInterval(() => {
    if (!alive(redis)) process.exit(0);
    if (Date.now() > deadline) {
      try {
        process.kill(redis, 'SIGKILL');
      } catch {}
      process.exit(0);
    }
  }, 100);
}

if (!Number.isInteger(owner) || !Number.isInteger(redis) || owner <= 0 || redis <= 0) process.exit(2);
const poll = setInterval(() => {
  if (!alive(redis)) process.exit(0);
  if (process.ppid === owner && alive(owner)) return;
  clearInterval(poll);
  stopServer();
}, 250);
