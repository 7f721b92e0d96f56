"""A FUSE file system that forgets what was not synced, as a power cut does (after LazyFS).

Usage: python lazyfs.py STATE MOUNT CONTROL CUT_AT SEED

Files live in memory, loaded from the folder STATE (the disk as it is after the last cut).
Every write and every name change (create, rename, link, unlink, mkdir) is kept as "not yet
on disk" until the program asks for it: ``fsync`` of a file makes its contents durable,
``fsync`` of a folder makes its names durable (what ext4 promises, no more). At the CUT_AT-th
changing operation the power goes: the disk as it would be found is computed (durable names,
durable contents, plus, chosen by SEED, none, a prefix, a torn prefix or an out-of-order subset
of the unsynced writes of each file), written over STATE, and CONTROL/cut is created. Every
later operation fails with EIO; the harness then kills the programs and unmounts.

Mount options: ``kernel_cache`` (SQLite maps its ``-shm`` file shared, which needs the page
cache) and ``no_remote_lock`` (the kernel keeps the POSIX locks SQLite takes; libfuse 2 would
otherwise pass them to this program, which has none).
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import stat
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fuse import FUSE, FuseOSError, Operations

SECTOR = 512
Pending = tuple[str, int, bytes]  # ("w", offset, data) or ("t", length, b"")


@dataclass
class Inode:
    directory: bool
    mode: int
    data: bytearray = field(default_factory=bytearray)  # what programs read now
    durable: bytes = b""  # what the disk holds
    pending: list[Pending] = field(default_factory=list)  # writes since the last fsync, in order
    nlink: int = 1
    mtime: float = field(default_factory=time.time)


def _parent(path: str) -> str:
    return os.path.dirname(path) or "/"


class LazyFS(Operations):  # type: ignore[misc]
    def __init__(self, state: Path, control: Path, cut_at: int, seed: int) -> None:
        self.state = state
        self.control = control
        self.cut_at = cut_at
        self.rng = random.Random(seed)
        self.changes = 0
        self.dead = False
        self._mutex = threading.RLock()
        self.inodes: dict[int, Inode] = {}
        self.names: dict[str, int] = {}  # what programs see
        self.durable_names: dict[str, int] = {}  # what the disk holds
        self.next_ino = 1
        self.fds: dict[int, int] = {}
        self.next_fd = 1
        self._load()

    # -- state on disk --------------------------------------------------------------------

    def _new(self, inode: Inode) -> int:
        ino = self.next_ino
        self.next_ino += 1
        self.inodes[ino] = inode
        return ino

    def _load(self) -> None:
        root = self._new(Inode(True, stat.S_IFDIR | 0o755))
        self.names["/"] = self.durable_names["/"] = root
        for folder, dirs, files in os.walk(self.state):
            rel = "/" + os.path.relpath(folder, self.state).lstrip(".")
            rel = "/" if rel in ("/", "/.") else rel
            for name in dirs:
                ino = self._new(Inode(True, stat.S_IFDIR | 0o755))
                path = os.path.join(rel, name)
                self.names[path] = self.durable_names[path] = ino
            for name in files:
                content = (Path(folder) / name).read_bytes()
                mode = stat.S_IFREG | (os.stat(Path(folder) / name).st_mode & 0o777)
                ino = self._new(Inode(False, mode, bytearray(content), content))
                path = os.path.join(rel, name)
                self.names[path] = self.durable_names[path] = ino
        links: dict[int, int] = {}
        for ino in self.names.values():
            links[ino] = links.get(ino, 0) + 1
        for ino, count in links.items():
            self.inodes[ino].nlink = count

    def _cut(self) -> None:
        """The power goes: write the disk as it would be found, then refuse everything."""
        found: dict[str, bytes | None] = {}
        for path, ino in sorted(self.durable_names.items()):
            inode = self.inodes[ino]
            if path == "/":
                continue
            if inode.directory:
                found[path] = None
                continue
            found[path] = self._after_cut(inode)
        self._write_state(found)
        self.dead = True
        (self.control / "cut").write_text(f"{self.changes}\n", encoding="utf-8")

    def _write_state(self, found: dict[str, bytes | None]) -> None:
        tmp = self.state.with_name(self.state.name + ".new")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        for path, content in found.items():
            target = tmp / path.lstrip("/")
            if content is None:
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
        shutil.rmtree(self.state)
        tmp.rename(self.state)

    def destroy(self, path: str) -> None:
        """A clean unmount (no cut): everything written reaches the disk."""
        with self._mutex:
            if not self.dead:
                found = {p: (None if self.inodes[i].directory else bytes(self.inodes[i].data))
                         for p, i in sorted(self.names.items()) if p != "/"}  # fmt: skip
                self._write_state(found)
                self.dead = True

    def _after_cut(self, inode: Inode) -> bytes:
        data = bytearray(inode.durable)
        pending = inode.pending
        if not pending:
            return bytes(data)
        how = self.rng.choice(("drop", "prefix", "torn", "reorder"))
        if how == "drop":
            chosen: list[Pending] = []
        elif how == "prefix":
            chosen = pending[: self.rng.randrange(len(pending) + 1)]
        elif how == "torn":
            keep = self.rng.randrange(len(pending))
            chosen = list(pending[:keep])
            kind, offset, body = pending[keep]
            if kind == "w" and len(body) > SECTOR:  # some sectors of the write reached the disk
                sectors = [i for i in range(0, len(body), SECTOR) if self.rng.random() < 0.5]
                chosen += [("w", offset + i, body[i : i + SECTOR]) for i in sectors]
        else:
            chosen = [p for p in pending if self.rng.random() < 0.5]
        for kind, offset, body in chosen:
            if kind == "t":
                del data[offset:]
                data.extend(b"\0" * max(0, offset - len(data)))
            else:
                if len(data) < offset:
                    data.extend(b"\0" * (offset - len(data)))
                data[offset : offset + len(body)] = body
        return bytes(data)

    def _change(self) -> None:
        """Count a changing operation; the CUT_AT-th one never happens."""
        if self.dead:
            raise FuseOSError(errno.EIO)
        self.changes += 1
        if self.changes >= self.cut_at:
            self._cut()
            raise FuseOSError(errno.EIO)

    # -- helpers ----------------------------------------------------------------------------

    def _ino(self, path: str) -> int:
        try:
            return self.names[path]
        except KeyError:
            raise FuseOSError(errno.ENOENT) from None

    def _children(self, path: str) -> list[str]:
        folder = path.rstrip("/") or "/"
        return [p for p in self.names if p != "/" and _parent(p) == folder]

    def _drop_name(self, path: str) -> None:
        ino = self.names.pop(path)
        self.inodes[ino].nlink -= 1

    # -- operations -------------------------------------------------------------------------

    def getattr(self, path: str, fh: int | None = None) -> dict[str, Any]:
        with self._mutex:
            if self.dead:
                raise FuseOSError(errno.EIO)
            inode = self.inodes[self.fds[fh]] if fh in self.fds else self.inodes[self._ino(path)]
            return {
                "st_mode": inode.mode,
                "st_nlink": max(inode.nlink, 1) + (1 if inode.directory else 0),
                "st_size": len(inode.data),
                "st_uid": os.getuid(),
                "st_gid": os.getgid(),
                "st_atime": inode.mtime,
                "st_mtime": inode.mtime,
                "st_ctime": inode.mtime,
                "st_blocks": (len(inode.data) + 511) // 512,
            }

    def readdir(self, path: str, fh: int) -> list[str]:
        with self._mutex:
            return [".", "..", *(os.path.basename(p) for p in self._children(path))]

    def access(self, path: str, amode: int) -> int:
        with self._mutex:
            self._ino(path)
            return 0

    def statfs(self, path: str) -> dict[str, int]:
        return {"f_bsize": 4096, "f_frsize": 4096, "f_blocks": 1 << 20, "f_bfree": 1 << 19, "f_bavail": 1 << 19,
                "f_files": 1 << 16, "f_ffree": 1 << 15, "f_favail": 1 << 15, "f_namemax": 255}  # fmt: skip

    def _open_fd(self, ino: int) -> int:
        fd = self.next_fd
        self.next_fd += 1
        self.fds[fd] = ino
        return fd

    def open(self, path: str, flags: int) -> int:
        with self._mutex:
            if self.dead:
                raise FuseOSError(errno.EIO)
            ino = self._ino(path)
            if flags & os.O_TRUNC:
                self._change()
                self.inodes[ino].data.clear()
                self.inodes[ino].pending.append(("t", 0, b""))
            return self._open_fd(ino)

    def create(self, path: str, mode: int, fi: Any = None) -> int:
        with self._mutex:
            self._change()
            if path in self.names:
                ino = self.names[path]
            else:
                ino = self._new(Inode(False, stat.S_IFREG | (mode & 0o777)))
                self.names[path] = ino
            return self._open_fd(ino)

    def read(self, path: str, size: int, offset: int, fh: int) -> bytes:
        with self._mutex:
            if self.dead:
                raise FuseOSError(errno.EIO)
            return bytes(self.inodes[self.fds[fh]].data[offset : offset + size])

    def write(self, path: str, data: bytes, offset: int, fh: int) -> int:
        with self._mutex:
            self._change()
            inode = self.inodes[self.fds[fh]]
            if len(inode.data) < offset:
                inode.data.extend(b"\0" * (offset - len(inode.data)))
            inode.data[offset : offset + len(data)] = data
            inode.pending.append(("w", offset, bytes(data)))
            inode.mtime = time.time()
            return len(data)

    def truncate(self, path: str, length: int, fh: int | None = None) -> None:
        with self._mutex:
            self._change()
            inode = self.inodes[self.fds[fh]] if fh in self.fds else self.inodes[self._ino(path)]
            del inode.data[length:]
            inode.data.extend(b"\0" * max(0, length - len(inode.data)))
            inode.pending.append(("t", length, b""))

    def fsync(self, path: str, datasync: int, fh: int) -> int:
        with self._mutex:
            self._change()
            inode = self.inodes[self.fds[fh]]
            inode.durable = bytes(inode.data)
            inode.pending.clear()
            return 0

    def fsyncdir(self, path: str, datasync: int, fh: int) -> int:
        with self._mutex:
            self._change()
            folder = path.rstrip("/") or "/"
            for name in [p for p in self.durable_names if p != "/" and _parent(p) == folder]:
                del self.durable_names[name]
            for name, ino in self.names.items():
                if name != "/" and _parent(name) == folder:
                    self.durable_names[name] = ino
            return 0

    def flush(self, path: str, fh: int) -> int:
        return 0

    def release(self, path: str, fh: int) -> int:
        with self._mutex:
            self.fds.pop(fh, None)
            return 0

    def mkdir(self, path: str, mode: int) -> None:
        with self._mutex:
            self._change()
            if path in self.names:
                raise FuseOSError(errno.EEXIST)
            self.names[path] = self._new(Inode(True, stat.S_IFDIR | (mode & 0o777)))

    def rmdir(self, path: str) -> None:
        with self._mutex:
            self._change()
            if self._children(path):
                raise FuseOSError(errno.ENOTEMPTY)
            self._drop_name(path)

    def unlink(self, path: str) -> None:
        with self._mutex:
            self._change()
            self._ino(path)
            self._drop_name(path)

    def rename(self, old: str, new: str) -> None:
        with self._mutex:
            self._change()
            ino = self._ino(old)
            if new in self.names:
                self._drop_name(new)
            del self.names[old]
            self.names[new] = ino
            if self.inodes[ino].directory:  # move what is inside along
                for name in [p for p in self.names if p.startswith(old + "/")]:
                    self.names[new + name[len(old) :]] = self.names.pop(name)

    def link(self, target: str, source: str) -> None:
        with self._mutex:
            self._change()
            if target in self.names:
                raise FuseOSError(errno.EEXIST)
            ino = self._ino(source)
            self.names[target] = ino
            self.inodes[ino].nlink += 1

    def chmod(self, path: str, mode: int) -> int:
        with self._mutex:
            inode = self.inodes[self._ino(path)]
            inode.mode = (inode.mode & ~0o7777) | (mode & 0o7777)
            return 0

    def chown(self, path: str, uid: int, gid: int) -> int:
        return 0

    def utimens(self, path: str, times: tuple[float, float] | None = None) -> int:
        with self._mutex:
            self.inodes[self._ino(path)].mtime = times[1] if times else time.time()
            return 0


def main() -> int:
    state, mount, control = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    cut_at, seed = int(sys.argv[4]), int(sys.argv[5])
    filesystem = LazyFS(state, control, cut_at, seed)
    options = {"kernel_cache": True, "no_remote_lock": True, "big_writes": True}
    FUSE(filesystem, str(mount), foreground=True, nothreads=False, **options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
