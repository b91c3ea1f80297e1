"""`soknad web`: the guide in a browser, served from this machine.

Starlette, Jinja2 and uvicorn are imported inside the command, so no other command pays for
them at start-up; so are socket and ipaddress (5 ms together).
"""

import errno
import os
import signal
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from .command import (
    EXIT_USAGE,
    Command,
    DateOption,
    EarlierRulesOption,
    RulesOption,
    app,
    err,
    fail,
    load_rules,
    pipe_safe,
    today,
)

if TYPE_CHECKING:
    import socket


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_port(value: str) -> str:
    """--port while options are parsed: a bad one is a usage error (exit 2), in Norwegian."""
    if not value.isdigit() or int(value) > 65535:
        raise typer.BadParameter(f"'{value}' er ikke en port. Bruk et tall fra 1 til 65535, eller 0 for en ledig.")
    return value


def _check_root_path(value: str) -> str:
    """--root-path: «/soknad», as the proxy's location has it; «» for none."""
    value = value.strip()
    if value in ("", "/"):
        return ""
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/")
    if not value.startswith("/") or "//" in value or not set(value) <= allowed:
        raise typer.BadParameter(
            f"'{value}' er ikke en sti. Skriv stien veilederen ligger under hos proxyen, for eksempel /soknad."
        )
    return value.rstrip("/")


def _check_proxies(value: str) -> str:
    """--proxy: the addresses (or networks) whose X-Forwarded-For and -Proto are believed."""
    import ipaddress

    parts = [p.strip() for p in value.split(",") if p.strip()]
    for part in parts:
        try:
            ipaddress.ip_network(part, strict=False)
        except ValueError:
            raise typer.BadParameter(
                f"'{part}' er ikke en IP-adresse eller et nett. Skriv proxyens adresse, for eksempel "
                "--proxy 127.0.0.1, eller flere med komma: --proxy 10.0.0.5,10.0.0.6."
            ) from None
    return ",".join(parts)


def _check_workers(value: str) -> str:
    if not value.isdigit() or not 1 <= int(value) <= 64:
        raise typer.BadParameter(f"'{value}' er ikke et antall prosesser. Bruk et tall fra 1 til 64.")
    return value


def _bind(host: str, port: int) -> "socket.socket":
    """The listening socket, opened here so that a port in use is one clear line, and
    --port 0 can print the port the system chose."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        fail(f"--host {host}: fant ingen slik adresse på denne maskinen.", EXIT_USAGE)
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            fail(
                f"Port {port} på {host} er allerede i bruk.",
                EXIT_USAGE,
                "Velg en annen med --port, for eksempel --port 8001, eller --port 0 for en ledig.",
            )
        if e.errno == errno.EACCES:
            fail(
                f"Har ikke lov til å bruke port {port}.",
                EXIT_USAGE,
                "Porter under 1024 krever ofte root; velg en over.",
            )
        fail(f"Kunne ikke lytte på {host}:{port}: {e.strerror or e}.", EXIT_USAGE)
    return sock


@app.command(cls=Command)
@pipe_safe
def web(
    port: Annotated[
        str, typer.Option("--port", metavar="PORT", callback=_check_port, help="Porten å lytte på (0: en ledig).")
    ] = "8000",
    host: Annotated[
        str,
        typer.Option("--host", metavar="ADRESSE", help="Adressen å lytte på. Standard er bare denne maskinen."),
    ] = "127.0.0.1",
    apne: Annotated[bool, typer.Option("--apne", help="Åpne veilederen i nettleseren.")] = False,
    root_path: Annotated[
        str,
        typer.Option(
            "--root-path",
            metavar="STI",
            callback=_check_root_path,
            show_default=False,
            help="Stien veilederen ligger under bak en proxy, for eksempel /soknad. Alle lenker får den foran seg.",
        ),
    ] = "",
    proxy: Annotated[
        str,
        typer.Option(
            "--proxy",
            metavar="ADRESSER",
            callback=_check_proxies,
            show_default=False,
            help="Proxyer (IP-adresser eller nett, skilt med komma) som får si hvilken adresse og om https "
            "brukeren kom med (X-Forwarded-For og X-Forwarded-Proto). Standard: ingen.",
        ),
    ] = "",
    workers: Annotated[
        str,
        typer.Option(
            "--workers",
            metavar="N",
            callback=_check_workers,
            help="Antall prosesser som svarer, for mange brukere samtidig. Regelverket sjekkes før de starter.",
        ),
    ] = "1",
    tidligere_regelverk: EarlierRulesOption = None,
    regler: RulesOption = None,
    dato: DateOption = None,
) -> None:
    """Start veilederen i nettleseren: en lokal server med de samme spørsmålene, reglene og tekstene.

    Svarene lagres ikke på serveren; de står i adressen. Ctrl-C stopper serveren. For mange
    brukere: se «For mange brukere» i README. Når regelverkets fil endres, leses den inn på
    nytt; kan den ikke brukes, fortsetter den gamle, og loggen sier hvorfor.
    """
    import socket

    regler = regler.absolute() if regler is not None else None  # one path in the log, however many workers
    rules = load_rules(regler)
    fixed = today(dato) if dato else None
    earlier = None
    if tidligere_regelverk is not None:
        from .command import earlier_rules

        earlier = earlier_rules(tidligere_regelverk)
    sock = _bind(host, int(port))
    import uvicorn  # the web stack: only this command imports it

    from .web import create_app

    asgi = create_app(rules, fixed, earlier, log=sys.stderr) if int(workers) == 1 else None
    bound = sock.getsockname()[1]
    # 0.0.0.0 and :: are every address of the machine: not one a browser can open.
    local = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(host)
    shown = local or (f"[{host}]" if ":" in host else host)
    address = f"http://{shown}:{bound}{root_path}/"
    if not _loopback(host):
        err(
            f"Advarsel: --host {host} gjør veilederen tilgjengelig for andre maskiner på nettet. "
            "Sett en proxy med TLS foran den (se README)."
        )
    print(f"Søkeveilederen kjører på {address}", flush=True)
    if local is not None:
        print(f"Fra andre maskiner: http://{socket.gethostname()}:{bound}{root_path}/", flush=True)
    print("Ctrl-C stopper den.", file=sys.stderr, flush=True)
    if apne:
        import webbrowser

        if not webbrowser.open(address):
            err(f"Fant ingen nettleser å åpne; gå til {address}")
    settings: dict[str, object] = {
        "log_level": "warning",
        "access_log": False,  # our own log line per request has no answers (web.log_line)
        "server_header": False,
        "date_header": False,
        "root_path": root_path,
        "proxy_headers": bool(proxy),
        "forwarded_allow_ips": proxy or None,
    }
    if int(workers) == 1:
        uvicorn.Server(uvicorn.Config(asgi, **settings)).run(sockets=[sock])  # type: ignore[arg-type]
        return
    # Each worker makes the app from the environment (`web.__getattr__`), as the bare uvicorn
    # command does: the same rule base, date and earlier rule bases, checked above already.
    for name, value in (
        ("SOKNAD_REGLER", str(regler.resolve()) if regler is not None else None),
        ("SOKNAD_DATO", dato),
        ("SOKNAD_TIDLIGERE_REGELVERK", tidligere_regelverk),
    ):
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    from uvicorn.supervisors import Multiprocess

    from .interrupt import Stopped

    class Supervisor(Multiprocess):
        """uvicorn's supervisor, which remembers the signal that stopped it: the command then
        ends as with one process, «Avbrutt.» and 130 or 143, not 0."""

        stopped_by: int | None = None

        def handle_int(self) -> None:
            self.stopped_by = signal.SIGINT
            super().handle_int()

        def handle_term(self) -> None:
            self.stopped_by = signal.SIGTERM
            super().handle_term()

    config = uvicorn.Config("soknadsveileder.web:app", workers=int(workers), **settings)  # type: ignore[arg-type]
    supervisor = Supervisor(config, sockets=[sock])
    supervisor.run()
    if supervisor.stopped_by == signal.SIGINT:
        raise KeyboardInterrupt
    if supervisor.stopped_by is not None:
        raise Stopped(supervisor.stopped_by)
