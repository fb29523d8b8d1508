"""A tiny fork server for ledger writer processes.

Why not multiprocessing: forking the service itself is unsafe (its threads - aiosqlite, the
readers, the checkpointer - may hold locks, SQLite's included, that the child would inherit
held), "spawn" costs a fresh interpreter and ~0.35 s of imports for every ledger opened, and
multiprocessing's "forkserver" re-imports the parent's ``__main__`` in every child (a test
runner, a benchmark script). This server is one plain interpreter, started once per service
process, single-threaded, with the writer code imported; each writer is an ``os.fork()`` of it
(milliseconds) that serves one socket and nothing else.

Control protocol (a Unix socket pair): the parent sends a JSON object of the writer's
arguments with the writer's socket attached (SCM_RIGHTS); the server forks and answers the
child's pid as 4 bytes. The server ignores SIGINT (the service decides when its writers stop:
by closing their sockets), reaps its children automatically and exits when the parent's end
of the control socket closes, whether the parent closed it or died.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import traceback
from typing import Any

PID = struct.Struct("!i")
_BOOT = ("import sys, json; sys.path[:0] = json.loads(sys.argv[1]); "
         "from core.storage.zygote import serve; serve(int(sys.argv[2]))")


def serve(control_fd: int) -> None:
    """The server's loop (in the server process)."""
    from core.storage import writer_process  # the code every child runs, imported once

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    control = socket.socket(fileno=control_fd)
    while True:
        message, fds, _flags, _addr = socket.recv_fds(control, 1 << 16, 1)
        if not message:
            return
        if not fds:
            control.sendall(PID.pack(-1))
            continue
        args = json.loads(message)
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            control.close()
            code = 0
            try:
                writer_process.serve(socket.socket(fileno=fds[0]), **args)
            except BaseException:  # report it, then leave without running the server's cleanup
                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)  # never return into the server's loop
        os.close(fds[0])
        control.sendall(PID.pack(pid))


class Zygote:
    """The parent's handle on its fork server; ``fork`` is blocking (call it off the loop)."""

    _instance: Zygote | None = None
    _instance_lock = threading.Lock()

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        with theirs:
            self._process = subprocess.Popen(
                [sys.executable, "-c", _BOOT, json.dumps(sys.path), str(theirs.fileno())],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL)
        self._control = ours
        self._lock = threading.Lock()
        self._owner = os.getpid()
        atexit.register(self.close)

    def close(self) -> None:
        """End the server (its writers live on until their own sockets close)."""
        if self._owner != os.getpid():
            return
        self._control.close()
        try:
            self._process.wait(5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    @classmethod
    def shared(cls) -> Zygote:
        """This process's server, started on first use (and again if it died, or if this
        process is a fork of the one that started it)."""
        with cls._instance_lock:
            current = cls._instance
            if (current is None or current._owner != os.getpid()
                    or current._process.poll() is not None):
                cls._instance = current = cls()
            return current

    def fork(self, sock: socket.socket, args: dict[str, Any]) -> int:
        """A new writer serving ``sock`` with ``args``; its pid."""
        with self._lock:
            socket.send_fds(self._control, [json.dumps(args).encode()], [sock.fileno()])
            answer = b""
            while len(answer) < PID.size:
                chunk = self._control.recv(PID.size - len(answer))
                if not chunk:
                    raise RuntimeError("the ledger writer fork server ended")
                answer += chunk
        pid: int = PID.unpack(answer)[0]
        if pid < 0:
            raise RuntimeError("the ledger writer fork server refused the request")
        return pid
