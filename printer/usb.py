"""USB printers through pyusb: bulk OUT for jobs, bulk IN for status replies (see docs/printer.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from printer.transports import ConnectionFailed, Transport, remaining


class UsbTransport(Transport):
    """USB printer class device through pyusb: bulk OUT for jobs, bulk IN for status replies."""

    kind = "usb"

    def __init__(self, vendor: int, product: int) -> None:
        self.vendor, self.product = vendor, product
        self.device: Any = None
        self.out: Any = None
        self.into: Any = None

    @property
    def label(self) -> str:
        return f"usb {self.vendor:04x}:{self.product:04x}"

    def open(self, deadline: float) -> None:
        import usb.core
        import usb.util

        self.close()
        try:
            device = usb.core.find(idVendor=self.vendor, idProduct=self.product)
        except (usb.core.NoBackendError, usb.core.USBError) as exc:
            raise ConnectionFailed(f"USB: {exc}") from None
        if device is None:
            raise ConnectionFailed(f"USB {self.vendor:04x}:{self.product:04x} not found (unplugged, or wrong id?)")
        try:
            try:
                if device.is_kernel_driver_active(0):
                    device.detach_kernel_driver(0)  # usblp holds the printer otherwise
            except NotImplementedError:
                pass
            device.set_configuration()
            interface = device.get_active_configuration()[(0, 0)]
        except usb.core.USBError as exc:
            raise ConnectionFailed(f"USB {self.vendor:04x}:{self.product:04x}: {exc} (udev rule? see docs)") from None

        def direction(wanted: int) -> Callable[[Any], bool]:
            return lambda ep: usb.util.endpoint_direction(ep.bEndpointAddress) == wanted

        self.out = usb.util.find_descriptor(interface, custom_match=direction(usb.util.ENDPOINT_OUT))
        self.into = usb.util.find_descriptor(interface, custom_match=direction(usb.util.ENDPOINT_IN))
        self.device = device
        if self.out is None:
            self.close()
            raise ConnectionFailed("USB device has no bulk OUT endpoint: not a printer?")

    def write(self, data: bytes, deadline: float) -> None:
        import usb.core

        if self.out is None:
            raise ConnectionFailed("not connected")
        try:
            self.out.write(data, timeout=int(remaining(deadline) * 1000))
        except usb.core.USBError as exc:
            raise ConnectionFailed(f"USB write: {exc}") from None

    def read(self, size: int, deadline: float) -> bytes:
        import usb.core

        if self.into is None:
            return b""  # a one-way printer: no status, so "unknown"
        try:
            return bytes(self.into.read(max(size, self.into.wMaxPacketSize), timeout=int(remaining(deadline) * 1000)))
        except usb.core.USBTimeoutError:
            return b""
        except usb.core.USBError as exc:
            raise ConnectionFailed(f"USB read: {exc}") from None

    def drain(self) -> None:
        import usb.core

        if self.into is None:
            return
        try:
            while self.into.read(self.into.wMaxPacketSize, timeout=1):
                pass
        except usb.core.USBTimeoutError:
            pass
        except usb.core.USBError as exc:
            raise ConnectionFailed(f"USB read: {exc}") from None

    def close(self) -> None:
        if self.device is not None:
            import usb.util

            try:
                usb.util.dispose_resources(self.device)
            finally:
                self.device = self.out = self.into = None
