"""Run a binary-format reader in a forked child with a deadline and a memory ceiling.

Office and PDF files are parsed by C/Rust libraries (lxml, calamine, pdfium)
on bytes an attacker may have shaped; a crafted file can make them loop,
allocate without end or crash. The reader therefore runs in a forked child:

* the parent waits at most ``timeout`` seconds (wall clock), then kills the
  child and raises ``ReadError("读取超时（超过 N 秒），已中止")``;
* the child's address space is capped (``RLIMIT_AS``) at what the parent
  already maps plus ``memory_mb``, so a runaway allocation fails inside the
  child and the caller gets a memory message instead of the machine swapping;
  a CPU-time limit backs the deadline up should the parent die first;
* the child sends back the :class:`Source` (pickled) or the
  :class:`ReadError`; the parent unpickles only the ``Source``/``Row``/``Cell``
  classes, so even a child subverted by a malicious file cannot make the
  parent run code;
* any other exception in the reader is a bug, not bad input: it comes back as
  :class:`ReaderCrash` with the child's traceback, so tests see it.

Defaults are module constants, overridden per call or by the environment
(``JIXIAO_READ_TIMEOUT`` seconds, ``JIXIAO_READ_MEMORY_MB``); a timeout of 0
or less reads in-process without a child (debugging). Where ``os.fork`` does
not exist the reader also runs in-process. Plain text and HTML never come
here: they are size-capped and parsed by our own linear code.
"""

from __future__ import annotations

import faulthandler
import io
import os
import pickle
import resource
import select
import signal
import time
import traceback
from collections.abc import Callable

from jixiao.read.source import Cell, ReadError, Row, Source

__all__ = ["READ_MEMORY_MB", "READ_TIMEOUT", "ReaderCrash", "guarded_read", "memory_limit_mb", "read_timeout"]

READ_TIMEOUT = 120.0  # seconds; a docx takes ~50 ms, an OCR'd scanned page ~5 s
READ_MEMORY_MB = 2048  # address space the child may add to what the parent maps
_CHUNK = 1 << 20
_ALLOWED = {("jixiao.read.source", "Source"), ("jixiao.read.source", "Row"), ("jixiao.read.source", "Cell")}
_in_child = False


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
    """The child's memory allowance: the argument, else ``JIXIAO_READ_MEMORY_MB``, else :data:`READ_MEMORY_MB`."""
    return int(memory_mb if memory_mb is not None else _env_number("JIXIAO_READ_MEMORY_MB", READ_MEMORY_MB))


def _mapped_bytes() -> int:
    """The address space this process maps now (Linux); 0 where unknown."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _child(read: Callable[[bytes, str], Source], data: bytes, name: str, out: int, limit: int, cpu: int) -> None:
    """Body of the forked child: limit itself, read, send the outcome, exit without cleanup."""
    global _in_child
    _in_child = True
    status = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        faulthandler.disable()  # a crash here is expected and reported by the parent, not dumped
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        if limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            payload = pickle.dumps(("ok", read(data, name)), protocol=pickle.HIGHEST_PROTOCOL)
        except ReadError as error:
            payload = pickle.dumps(("error", str(error)))
        except MemoryError:
            payload = pickle.dumps(("memory", ""))
        except RecursionError:
            payload = pickle.dumps(("error", "文件结构嵌套过深，无法读取"))
        except BaseException as error:  # every other failure is a reader bug, sent to the parent
            text = "".join(traceback.format_exception(error))
            payload = pickle.dumps(("crash", f"{type(error).__name__}: {error}\n{text}"))
        view = memoryview(payload)
        while view:
            view = view[os.write(out, view[:_CHUNK]) :]
    except BaseException:  # nothing may escape a forked child
        status = 1
    finally:
        os._exit(status)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


def _outcome(payload: bytes, status: int, memory_mb: int) -> Source:
    if payload:
        try:
            kind, value = _SourceUnpickler(io.BytesIO(payload)).load()
        except Exception as error:  # a payload we did not write: the child was subverted or cut short
            raise ReadError("读取器返回了无法识别的结果，已中止") from error
        if kind == "ok" and isinstance(value, Source):
            return value
        if kind == "error" and isinstance(value, str):
            raise ReadError(value or "文件无法读取")
        if kind == "memory":
            raise ReadError(f"读取时内存超出上限（{memory_mb} MB），已中止")
        if kind == "crash" and isinstance(value, str):
            raise ReaderCrash(value)
        raise ReadError("读取器返回了无法识别的结果，已中止")
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number in (signal.SIGKILL, signal.SIGABRT):  # the kernel's OOM killer, or an allocation abort
            raise ReadError(f"读取时内存超出上限（{memory_mb} MB）或读取器异常中止（信号 {_signal_name(number)}）")
        if number == signal.SIGXCPU:
            raise ReadError("读取占用 CPU 时间过长，已中止")
        raise ReadError(f"读取器崩溃（信号 {_signal_name(number)}），文件可能已损坏")
    raise ReadError(f"读取器异常退出（退出码 {os.WEXITSTATUS(status)}），文件可能已损坏")


def guarded_read(
    read: Callable[[bytes, str], Source],
    data: bytes,
    name: str,
    *,
    timeout: float | None = None,
    memory_mb: int | None = None,
) -> Source:
    """``read(data, name)`` in a forked child under a deadline and a memory ceiling; see the module doc.

    Raise :class:`ReadError` for bad input (including overrun and crash), :class:`ReaderCrash` for a reader bug.
    """
    seconds = read_timeout(timeout)
    megabytes = memory_limit_mb(memory_mb)
    if _in_child or seconds <= 0 or not hasattr(os, "fork"):
        return read(data, name)
    limit = _mapped_bytes() + megabytes * 1024 * 1024 if megabytes > 0 else 0
    receive, send = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(receive)
        _child(read, data, name, send, limit, int(seconds) + 1)
    os.close(send)
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    reaped = False
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                reaped = True
                shown = f"{seconds:g}"
                raise ReadError(f"读取超时（超过 {shown} 秒），已中止")
            ready, _, _ = select.select([receive], [], [], remaining)
            if ready:
                chunk = os.read(receive, _CHUNK)
                if not chunk:
                    break
                chunks.append(chunk)
        _, status = os.waitpid(pid, 0)
        reaped = True
    finally:
        os.close(receive)
        if not reaped:  # interrupted (Ctrl-C) while waiting: never leave the child behind
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    return _outcome(b"".join(chunks), status, megabytes)
