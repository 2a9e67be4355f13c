"""Run a binary-format reader in a forked child with a deadline and a memory ceiling.

Office and PDF files are parsed by C/Rust libraries (lxml, calamine, pdfium)
on bytes an attacker may have shaped; a crafted file can make them loop,
allocate without end or crash. The reader therefore runs in a forked child:

* the parent waits at most ``timeout`` seconds (wall clock), then kills the
  child and raises ``ReadError("读取超时（超过 N 秒），已中止")``;
* the child's address space is capped (``RLIMIT_AS``) at what it already maps
  plus ``memory_mb``, so a runaway allocation fails inside the child and the
  caller gets a memory message instead of the machine swapping; a CPU-time
  limit backs the deadline up should the parent die first;
* the child sends back the :class:`Source` (pickled) or the
  :class:`ReadError`; the parent unpickles only the ``Source``/``Row``/``Cell``
  classes, so even a child subverted by a malicious file cannot make the
  parent run code;
* any other exception in the reader is a bug, not bad input: it comes back as
  :class:`ReaderCrash` with the child's traceback, so tests see it.

By default the child is a *worker* kept for the next reads: forking a fresh
process per file costs 10–20 ms of CPU (copied page tables, copy-on-write
faults), more than reading an xlsx. The worker is killed on overrun, replaced
after a crash or a memory failure, and retired after :data:`WORKER_READS`
reads so leaks stay bounded. While it is busy (another thread reading), a
read gets a one-off child. ``isolate=True`` (or ``JIXIAO_READ_ISOLATE=1``)
gives every read a fresh child, so a file that subverts its reader cannot
touch the results of later files: for a server reading many users' uploads.

Defaults are module constants, overridden per call or by the environment
(``JIXIAO_READ_TIMEOUT`` seconds, ``JIXIAO_READ_MEMORY_MB``); a timeout of 0
or less reads in-process without a child (debugging). Where ``os.fork`` does
not exist the reader also runs in-process. Plain text and HTML never come
here: they are size-capped and parsed by our own linear code.
"""

from __future__ import annotations

import atexit
import contextlib
import faulthandler
import gc
import io
import os
import pickle
import resource
import select
import signal
import stat
import struct
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from jixiao.read.source import Cell, ReadError, Row, Source

__all__ = [
    "READ_MEMORY_MB",
    "READ_TIMEOUT",
    "WORKER_READS",
    "ReaderCrash",
    "guarded_read",
    "memory_limit_mb",
    "read_timeout",
    "stop_worker",
]

READ_TIMEOUT = 120.0  # seconds; a docx takes ~50 ms, an OCR'd scanned page ~5 s
READ_MEMORY_MB = 2048  # address space a read may add to what the child maps
WORKER_READS = 200  # reads before a worker is replaced
_CHUNK = 1 << 20
_HEADER = struct.Struct("<Q")
_ALLOWED = {("jixiao.read.source", "Source"), ("jixiao.read.source", "Row"), ("jixiao.read.source", "Cell")}
_in_child = False

_Reader = Callable[[bytes, str], Source]
_Reply = tuple[str, object]


class ReaderCrash(RuntimeError):
    """A reader raised something other than :class:`ReadError`: a bug, reported with the child's traceback."""


class _SourceUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> type:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not a reader result")
        return {"Source": Source, "Row": Row, "Cell": Cell}[name]


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        return default


def read_timeout(timeout: float | None = None) -> float:
    """The deadline in seconds: the argument, else ``JIXIAO_READ_TIMEOUT``, else :data:`READ_TIMEOUT`."""
    return timeout if timeout is not None else _env_number("JIXIAO_READ_TIMEOUT", READ_TIMEOUT)


def memory_limit_mb(memory_mb: int | None = None) -> int:
    """A read's memory allowance: the argument, else ``JIXIAO_READ_MEMORY_MB``, else :data:`READ_MEMORY_MB`."""
    return int(memory_mb if memory_mb is not None else _env_number("JIXIAO_READ_MEMORY_MB", READ_MEMORY_MB))


def _mapped_bytes() -> int:
    """The address space this process maps now (Linux); 0 where unknown."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


# ------------------------------------------------------------------ child side


def _become_child() -> None:
    global _in_child
    _in_child = True
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    gc.freeze()  # the collector then never walks (and so copies) the pages inherited from the parent
    faulthandler.disable()  # a crash here is expected and reported by the parent, not dumped


def _lowered(kind: int, soft: int) -> tuple[int, int]:
    """Lower a soft limit (never above the hard one); the limit as it was, to restore."""
    before = resource.getrlimit(kind)
    hard = before[1]
    resource.setrlimit(kind, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
    return before


def _attempt(read: _Reader, data: bytes, name: str, memory_mb: int, seconds: float) -> tuple[str, bytes]:
    """Read under per-read limits; the reply's kind and the pickled reply."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = _lowered(resource.RLIMIT_CPU, int(used.ru_utime + used.ru_stime + seconds) + 2)
    memory_before = _lowered(resource.RLIMIT_AS, _mapped_bytes() + memory_mb * 1024 * 1024) if memory_mb > 0 else None
    reply: _Reply
    try:
        return "ok", pickle.dumps(("ok", read(data, name)), protocol=pickle.HIGHEST_PROTOCOL)
    except ReadError as error:
        reply = ("error", str(error))
    except MemoryError:
        reply = ("memory", "")
    except RecursionError:
        reply = ("error", "文件结构嵌套过深，无法读取")
    except BaseException as error:  # every other failure is a reader bug, sent to the parent
        text = "".join(traceback.format_exception(error))
        reply = ("crash", f"{type(error).__name__}: {error}\n{text}")
    finally:
        if memory_before is not None:
            resource.setrlimit(resource.RLIMIT_AS, memory_before)
        resource.setrlimit(resource.RLIMIT_CPU, cpu_before)
    return reply[0], pickle.dumps(reply)


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view[:_CHUNK]) :]


def _read_exact(fd: int, size: int) -> bytes:
    parts: list[bytes] = []
    while size:
        chunk = os.read(fd, min(size, _CHUNK))
        if not chunk:
            raise EOFError
        parts.append(chunk)
        size -= len(chunk)
    return b"".join(parts)


def _one_shot_child(read: _Reader, data: bytes, name: str, out: int, memory_mb: int, seconds: float) -> None:
    """Body of a one-off child: read once, send the reply, exit without cleanup."""
    status = 0
    try:
        _become_child()
        _write_all(out, _attempt(read, data, name, memory_mb, seconds)[1])
    except BaseException:  # nothing may escape a forked child
        status = 1
    finally:
        os._exit(status)


def _close_sockets() -> None:
    """Close inherited sockets: a long-lived worker must not hold a server's connections open."""
    try:
        descriptors = [int(entry) for entry in os.listdir("/proc/self/fd")]
    except OSError:
        return
    for fd in descriptors:
        with contextlib.suppress(OSError):
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)


def _serve(requests: int, replies: int) -> None:
    """Body of a worker: answer framed requests until the parent closes the pipe."""
    status = 0
    try:
        _become_child()
        _close_sockets()
        while True:
            try:
                size = _HEADER.unpack(_read_exact(requests, _HEADER.size))[0]
            except EOFError:
                break
            read, data, name, memory_mb, seconds = pickle.loads(_read_exact(requests, size))
            kind, reply = _attempt(read, data, name, memory_mb, seconds)
            _write_all(replies, _HEADER.pack(len(reply)) + reply)
            if kind == "memory":
                break  # a heap that ran out may be left in pieces: the next read gets a fresh worker
    except BaseException:  # nothing may escape a forked child
        status = 1
    finally:
        os._exit(status)


# ----------------------------------------------------------------- parent side


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


def _died(status: int, memory_mb: int) -> ReadError:
    """The error for a child that ended without a reply."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number in (signal.SIGKILL, signal.SIGABRT):  # the kernel's OOM killer, or an allocation abort
            return ReadError(f"读取时内存超出上限（{memory_mb} MB）或读取器异常中止（信号 {_signal_name(number)}）")
        if number == signal.SIGXCPU:
            return ReadError("读取占用 CPU 时间过长，已中止")
        return ReadError(f"读取器崩溃（信号 {_signal_name(number)}），文件可能已损坏")
    return ReadError(f"读取器异常退出（退出码 {os.WEXITSTATUS(status)}），文件可能已损坏")


def _decode(payload: bytes) -> _Reply:
    try:
        kind, value = _SourceUnpickler(io.BytesIO(payload)).load()
    except Exception as error:  # a payload we did not write: the child was subverted or cut short
        raise ReadError("读取器返回了无法识别的结果，已中止") from error
    return str(kind), value


def _outcome(reply: _Reply, memory_mb: int) -> Source:
    kind, value = reply
    if kind == "ok" and isinstance(value, Source):
        return value
    if kind == "error" and isinstance(value, str):
        raise ReadError(value or "文件无法读取")
    if kind == "memory":
        raise ReadError(f"读取时内存超出上限（{memory_mb} MB），已中止")
    if kind == "crash" and isinstance(value, str):
        raise ReaderCrash(value)
    raise ReadError("读取器返回了无法识别的结果，已中止")


def _timed_out(seconds: float) -> ReadError:
    return ReadError(f"读取超时（超过 {seconds:g} 秒），已中止")


def _kill(pid: int) -> int:
    """Kill and reap a child; its wait status."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    return os.waitpid(pid, 0)[1]


def _one_shot(read: _Reader, data: bytes, name: str, seconds: float, memory_mb: int) -> Source:
    receive, send = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(receive)
        _one_shot_child(read, data, name, send, memory_mb, seconds)
    os.close(send)
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    status: int | None = None
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                status = _kill(pid)
                raise _timed_out(seconds)
            ready, _, _ = select.select([receive], [], [], remaining)
            if ready:
                chunk = os.read(receive, _CHUNK)
                if not chunk:
                    break
                chunks.append(chunk)
        status = os.waitpid(pid, 0)[1]
    finally:
        os.close(receive)
        if status is None:  # interrupted (Ctrl-C) while waiting: never leave the child behind
            _kill(pid)
    if not chunks:
        raise _died(status, memory_mb)
    return _outcome(_decode(b"".join(chunks)), memory_mb)


@dataclass(slots=True)
class _Worker:
    pid: int
    requests: int  # the parent's write end, non-blocking
    replies: int  # the parent's read end
    reads: int = 0

    @classmethod
    def start(cls) -> _Worker:
        requests_read, requests_write = os.pipe()
        replies_read, replies_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(requests_write)
            os.close(replies_read)
            _serve(requests_read, replies_write)
        os.close(requests_read)
        os.close(replies_write)
        os.set_blocking(requests_write, False)
        return cls(pid, requests_write, replies_read)

    def stop(self) -> int:
        """Kill, reap and forget the worker; its wait status."""
        os.close(self.requests)
        os.close(self.replies)
        return _kill(self.pid)

    def _send(self, payload: bytes, deadline: float) -> None:
        view = memoryview(_HEADER.pack(len(payload)) + payload)
        while view:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            _, writable, _ = select.select([], [self.requests], [], remaining)
            if writable:
                try:
                    view = view[os.write(self.requests, view[:_CHUNK]) :]
                except BlockingIOError:
                    continue

    def _receive(self, size: int, deadline: float) -> bytes:
        parts: list[bytes] = []
        while size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self.replies], [], [], remaining)
            if ready:
                chunk = os.read(self.replies, min(size, _CHUNK))
                if not chunk:
                    raise EOFError
                parts.append(chunk)
                size -= len(chunk)
        return b"".join(parts)

    def ask(self, request: bytes, deadline: float) -> bytes:
        """Send one request and wait for its reply; ``TimeoutError`` / ``EOFError`` / ``OSError`` if it fails."""
        self._send(request, deadline)
        size = _HEADER.unpack(self._receive(_HEADER.size, deadline))[0]
        self.reads += 1
        return self._receive(size, deadline)


_worker: _Worker | None = None
_worker_lock = threading.Lock()


def stop_worker() -> None:
    """Retire the reader worker now (it is restarted on the next read); its CPU time then counts as reaped."""
    global _worker
    if _worker is not None:
        _worker.stop()
        _worker = None


atexit.register(stop_worker)


def _via_worker(read: _Reader, data: bytes, name: str, seconds: float, memory_mb: int) -> Source:
    global _worker
    try:
        request = pickle.dumps((read, data, name, memory_mb, seconds), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, AttributeError, TypeError):  # a reader the worker cannot be sent
        return _one_shot(read, data, name, seconds, memory_mb)
    deadline = time.monotonic() + seconds
    if _worker is not None and _worker.reads >= WORKER_READS:
        stop_worker()
    if _worker is None:
        _worker = _Worker.start()
    worker = _worker
    try:
        reply = worker.ask(request, deadline)
    except TimeoutError:
        stop_worker()
        raise _timed_out(seconds) from None
    except (EOFError, OSError):  # the worker died on this file
        _worker = None
        os.close(worker.requests)
        os.close(worker.replies)
        raise _died(os.waitpid(worker.pid, 0)[1], memory_mb) from None
    except BaseException:  # interrupted (Ctrl-C): the worker may be mid-read, never reuse it
        stop_worker()
        raise
    decoded = _decode(reply)
    if decoded[0] == "memory":
        stop_worker()  # it exits after a memory failure; reap it now
    return _outcome(decoded, memory_mb)


def _after_fork_in_child() -> None:
    """A process forked from ours must neither use nor wait for our worker."""
    global _worker, _worker_lock
    _worker = None
    _worker_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def guarded_read(
    read: _Reader,
    data: bytes,
    name: str,
    *,
    timeout: float | None = None,
    memory_mb: int | None = None,
    isolate: bool | None = None,
) -> Source:
    """``read(data, name)`` in a forked child under a deadline and a memory ceiling; see the module doc.

    ``read`` must be a module-level function (the worker receives it pickled).
    Raise :class:`ReadError` for bad input (including overrun and crash), :class:`ReaderCrash` for a reader bug.
    """
    seconds = read_timeout(timeout)
    megabytes = memory_limit_mb(memory_mb)
    if _in_child or seconds <= 0 or not hasattr(os, "fork"):
        return read(data, name)
    if isolate is None:
        isolate = os.environ.get("JIXIAO_READ_ISOLATE", "").strip() not in ("", "0")
    if isolate or not _worker_lock.acquire(blocking=False):
        return _one_shot(read, data, name, seconds, megabytes)
    try:
        return _via_worker(read, data, name, seconds, megabytes)
    finally:
        _worker_lock.release()
