"""Operations: systemd notification and watchdog, logging, report export."""
