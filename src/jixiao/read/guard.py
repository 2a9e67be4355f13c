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
* the child sends back the :class:`Source` flattened to tuples, lists,
  strings, numbers and ``None`` (see :func:`_pack`), or the :class:`ReadError`;
  the parent's unpickler refuses every class, so even a child subverted by a
  malicious file cannot make the parent run code. Flat builtins are what
  pickle handles in C: a workbook's result crosses in ~0.2 ms, where pickling
  the ``Row``/``Cell`` objects themselves took ~1 ms;
* a reader whose work turns out to be long (OCR of many scanned pages) asks
  for more time with :func:`allow_more_time` before starting it; the parent
  moves its deadline by what is asked, but never by more than
  :data:`MAX_EXTENSION` seconds in all, so every read stays bounded;
* any other exception in the reader is a bug, not bad input: it comes back as
  :class:`ReaderCrash` with the child's traceback, so tests see it.

By default the child is a *worker* kept for the next reads: forking a fresh
process per file costs 10–20 ms of CPU (copied page tables, copy-on-write
faults), more than reading an xlsx. The worker is killed on overrun, replaced
after a crash or a memory failure, and retired after :data:`WORKER_READS`
reads so leaks stay bounded. A request is a small pickled header (the reader,
the name, the limits, the length) followed by the file's bytes as they are:
pickling them would copy a PDF twice more on each side. While it is busy (another thread reading), a
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
import ctypes
import faulthandler
import fcntl
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
from typing import Any

from jixiao.read.source import Cell, ReadError, Row, Source

__all__ = [
    "MAX_EXTENSION",
    "READ_MEMORY_MB",
    "READ_TIMEOUT",
    "WORKER_READS",
    "ReaderCrash",
    "allow_more_time",
    "guarded_read",
    "memory_limit_mb",
    "read_timeout",
    "stop_worker",
]

READ_TIMEOUT = 120.0  # seconds; a docx takes ~50 ms, an OCR'd scanned page ~5 s
MAX_EXTENSION = 1800.0  # seconds a reader may add to its deadline in all (60 OCR pages at 30 s)
READ_MEMORY_MB = 2048  # address space a read may add to what the child maps
WORKER_READS = 200  # reads before a worker is replaced
_CHUNK = 1 << 20
_PIPE_SIZE = 1 << 20  # a workbook or a PDF crosses in one write instead of sixteen 64 KB wake-ups
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc mallopt parameters
_KEEP_MMAP = 32 << 20  # allocations below this come from the heap, not a fresh mapping each time
_KEEP_TRIM = 64 << 20  # freed heap the worker keeps before returning it to the kernel
_HEADER = struct.Struct("<Q")
_in_child = False
_reply_fd: int | None = None  # in a child: where replies (and requests for more time) go
_extra = 0.0  # in a child: seconds already asked for on the current read

_Reader = Callable[[bytes, str], Source]
_Reply = tuple[str, object]


class ReaderCrash(RuntimeError):
    """A reader raised something other than :class:`ReadError`: a bug, reported with the child's traceback."""


class _BuiltinsUnpickler(pickle.Unpickler):
    """Replies are builtins only: any class a child names is refused, so a subverted child runs nothing here."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name} is not a reader result")


def _pack(source: Source) -> tuple[Any, ...]:
    """A :class:`Source` as builtins (pickled in C, unlike slotted dataclasses); :func:`_unpack` rebuilds it."""
    rows = [
        (
            [(cell.text, cell.line, cell.col, cell.inherited) for cell in row.cells],
            row.line,
            row.end_line,
            row.table,
            row.index,
            row.page,
            row.sheet,
        )
        for row in source.rows
    ]
    return source.path, source.lines, rows, source.encoding, source.format, source.notes


def _unpack(packed: Any) -> Source:
    """The :class:`Source` of a packed reply; ``ReadError`` for a shape :func:`_pack` never makes."""
    try:
        path, lines, rows, encoding, fmt, notes = packed
        built = [
            Row([Cell(*cell) for cell in cells], line, end_line, table, index, page, sheet)
            for cells, line, end_line, table, index, page, sheet in rows
        ]
        if not (isinstance(path, str) and isinstance(lines, list) and isinstance(notes, list)):
            raise TypeError("not a packed source")
        return Source(path, lines, built, str(encoding), str(fmt), notes)
    except (TypeError, ValueError) as error:
        raise ReadError("读取器返回了无法识别的结果，已中止") from error


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


def _become_child(reply_fd: int) -> None:
    global _in_child, _reply_fd
    _in_child = True
    _reply_fd = reply_fd
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    gc.freeze()  # the collector then never walks (and so copies) the pages inherited from the parent
    faulthandler.disable()  # a crash here is expected and reported by the parent, not dumped


def allow_more_time(seconds: float) -> None:
    """Ask the guard for ``seconds`` more before long work (OCR pages); granted up to :data:`MAX_EXTENSION` in all.

    A no-op outside a guarded child (in-process reads have no deadline). The
    child's CPU-time limit moves by the same amount.
    """
    global _extra
    if _reply_fd is None or seconds <= 0:
        return
    seconds = min(float(seconds), MAX_EXTENSION - _extra)
    if seconds <= 0:
        return
    _extra += seconds
    with contextlib.suppress(ValueError, OSError):
        soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        if soft != resource.RLIM_INFINITY:
            wanted = soft + int(seconds) + 1
            resource.setrlimit(
                resource.RLIMIT_CPU, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard)
            )
    _send_frame(_reply_fd, pickle.dumps(("more", seconds)))


def _lowered(kind: int, soft: int) -> tuple[int, int]:
    """Lower a soft limit (never above the hard one); the limit as it was, to restore."""
    before = resource.getrlimit(kind)
    hard = before[1]
    resource.setrlimit(kind, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
    return before


def _attempt(read: _Reader, data: bytes, name: str, memory_mb: int, seconds: float) -> tuple[str, bytes]:
    """Read under per-read limits; the reply's kind and the pickled reply."""
    global _extra
    _extra = 0.0
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = _lowered(resource.RLIMIT_CPU, int(used.ru_utime + used.ru_stime + seconds) + 2)
    memory_before = _lowered(resource.RLIMIT_AS, _mapped_bytes() + memory_mb * 1024 * 1024) if memory_mb > 0 else None
    reply: _Reply
    try:
        return "ok", pickle.dumps(("ok", _pack(read(data, name))), protocol=pickle.HIGHEST_PROTOCOL)
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


def _send_frame(fd: int, payload: bytes) -> None:
    _write_all(fd, _HEADER.pack(len(payload)) + payload)


def _one_shot_child(read: _Reader, data: bytes, name: str, out: int, memory_mb: int, seconds: float) -> None:
    """Body of a one-off child: read once, send the reply, exit without cleanup."""
    status = 0
    try:
        _become_child(out)
        _send_frame(out, _attempt(read, data, name, memory_mb, seconds)[1])
    except BaseException:  # nothing may escape a forked child
        status = 1
    finally:
        os._exit(status)


def _keep_freed_memory() -> None:
    """Let the worker's malloc keep what a read frees (glibc): pdfium's page buffers then do not come back as
    fresh pages from the kernel on every file (~1 200 page faults, ~2 ms, per PDF). Each read's own address-space
    ceiling is measured from what the worker maps at its start, so the kept memory never counts against it."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None)
        libc.mallopt(_M_MMAP_THRESHOLD, _KEEP_MMAP)
        libc.mallopt(_M_TRIM_THRESHOLD, _KEEP_TRIM)


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
        _become_child(replies)
        _close_sockets()
        _keep_freed_memory()
        while True:
            try:
                size = _HEADER.unpack(_receive(requests, _HEADER.size))[0]
            except EOFError:
                break
            read, name, memory_mb, seconds, length = pickle.loads(_receive(requests, size))
            data = _receive(requests, length)  # the file's bytes follow the request unpickled
            kind, reply = _attempt(read, data, name, memory_mb, seconds)
            _send_frame(replies, reply)
            if kind == "memory":
                break  # a heap that ran out may be left in pieces: the next read gets a fresh worker
    except BaseException:  # nothing may escape a forked child
        status = 1
    finally:
        os._exit(status)


# ----------------------------------------------------------------- parent side


@dataclass(slots=True)
class _Deadline:
    """When the parent gives up: ``seconds`` from now, moved by the child's requests up to :data:`MAX_EXTENSION`."""

    at: float
    seconds: float
    extra: float = 0.0

    @classmethod
    def start(cls, seconds: float) -> _Deadline:
        return cls(time.monotonic() + seconds, seconds)

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def extend(self, asked: object) -> None:
        if not isinstance(asked, (int, float)) or not asked > 0:
            return
        granted = min(float(asked), MAX_EXTENSION - self.extra)
        if granted > 0:
            self.extra += granted
            self.at += granted

    def error(self) -> ReadError:
        return ReadError(f"读取超时（超过 {self.seconds + self.extra:g} 秒），已中止")


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
        kind, value = _BuiltinsUnpickler(io.BytesIO(payload)).load()
    except Exception as error:  # a payload we did not write: the child was subverted or cut short
        raise ReadError("读取器返回了无法识别的结果，已中止") from error
    return str(kind), value


def _outcome(reply: _Reply, memory_mb: int) -> Source:
    kind, value = reply
    if kind == "ok":
        return _unpack(value)
    if kind == "error" and isinstance(value, str):
        raise ReadError(value or "文件无法读取")
    if kind == "memory":
        raise ReadError(f"读取时内存超出上限（{memory_mb} MB），已中止")
    if kind == "crash" and isinstance(value, str):
        raise ReaderCrash(value)
    raise ReadError("读取器返回了无法识别的结果，已中止")


def _kill(pid: int) -> int:
    """Kill and reap a child; its wait status."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    return os.waitpid(pid, 0)[1]


def _receive(fd: int, size: int, deadline: _Deadline | None = None) -> bytes:
    """``size`` bytes from ``fd``, before the deadline when one is given; ``TimeoutError``, or
    ``EOFError`` when the other side is gone."""
    parts: list[bytes] = []
    while size:
        ready: list[int] | bool = True
        if deadline is not None:
            remaining = deadline.remaining()
            if remaining <= 0:
                raise TimeoutError
            ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            chunk = os.read(fd, min(size, _CHUNK))
            if not chunk:
                raise EOFError
            parts.append(chunk)
            size -= len(chunk)
    return b"".join(parts)


def _final_reply(fd: int, deadline: _Deadline) -> _Reply:
    """Frames from the child until its reply; a request for more time moves the deadline on the way."""
    while True:
        size = _HEADER.unpack(_receive(fd, _HEADER.size, deadline))[0]
        kind, value = _decode(_receive(fd, size, deadline))
        if kind != "more":
            return kind, value
        deadline.extend(value)


def _one_shot(read: _Reader, data: bytes, name: str, seconds: float, memory_mb: int) -> Source:
    receive, send = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(receive)
        _one_shot_child(read, data, name, send, memory_mb, seconds)
    os.close(send)
    deadline = _Deadline.start(seconds)
    status: int | None = None
    try:
        try:
            reply = _final_reply(receive, deadline)
        except TimeoutError:
            status = _kill(pid)
            raise deadline.error() from None
        except EOFError:
            status = os.waitpid(pid, 0)[1]
            raise _died(status, memory_mb) from None
        status = os.waitpid(pid, 0)[1]
    finally:
        os.close(receive)
        if status is None:  # interrupted (Ctrl-C) or a bad payload: never leave the child behind
            _kill(pid)
    return _outcome(reply, memory_mb)


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
        for fd in (requests_write, replies_write):
            with contextlib.suppress(OSError, AttributeError):
                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
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

    def _send(self, request: bytes, data: bytes, deadline: _Deadline) -> None:
        """The framed request, then the file's bytes as they are, gathered by ``writev`` (no copy here)."""
        views = [memoryview(_HEADER.pack(len(request))), memoryview(request), memoryview(data)]
        while views:
            remaining = deadline.remaining()
            if remaining <= 0:
                raise TimeoutError
            _, writable, _ = select.select([], [self.requests], [], remaining)
            if not writable:
                continue
            try:
                written = os.writev(self.requests, views)
            except BlockingIOError:
                continue
            while views and written >= len(views[0]):
                written -= len(views[0])
                views.pop(0)
            if written:
                views[0] = views[0][written:]

    def ask(self, request: bytes, data: bytes, deadline: _Deadline) -> _Reply:
        """Send one request and wait for its reply; ``TimeoutError`` / ``EOFError`` / ``OSError`` if it fails."""
        self._send(request, data, deadline)
        self.reads += 1
        return _final_reply(self.replies, deadline)


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
        request = pickle.dumps((read, name, memory_mb, seconds, len(data)), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, AttributeError, TypeError):  # a reader the worker cannot be sent
        return _one_shot(read, data, name, seconds, memory_mb)
    deadline = _Deadline.start(seconds)
    if _worker is not None and _worker.reads >= WORKER_READS:
        stop_worker()
    if _worker is None:
        _worker = _Worker.start()
    worker = _worker
    try:
        reply = worker.ask(request, data, deadline)
    except TimeoutError:
        stop_worker()
        raise deadline.error() from None
    except (EOFError, OSError):  # the worker died on this file
        _worker = None
        os.close(worker.requests)
        os.close(worker.replies)
        raise _died(os.waitpid(worker.pid, 0)[1], memory_mb) from None
    except BaseException:  # interrupted (Ctrl-C), or a payload it should never send: never reuse it
        stop_worker()
        raise
    if reply[0] == "memory":
        stop_worker()  # it exits after a memory failure; reap it now
    return _outcome(reply, memory_mb)


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
