"""``nianbao serve``: the web application on uvicorn (kept here so the main CLI does not import the web stack)."""

from __future__ import annotations

import os

import click


@click.command()
@click.option(
    "--db", required=True, metavar="DB", help="The corpus: a SQLite file (created if absent) or a postgresql:// URL."
)
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 for every interface)."
)
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--token",
    metavar="TOKEN",
    help="Token that writes (uploads, deletes) need; default $NIANBAO_TOKEN. Without one the server is read-only.",
)
@click.option("--max-upload-mb", default=200, show_default=True, type=int, help="Largest request body accepted.")
@click.option(
    "--max-files", default=500, show_default=True, type=int, help="Most files in one upload (zip members too)."
)
@click.option("--private", is_flag=True, help="Reading needs the token (or a login) too; default: reading is public.")
@click.option(
    "--https-only",
    is_flag=True,
    help="The login cookie is sent over HTTPS only (Secure): for a server behind an HTTPS proxy.",
)
def serve(
    db: str,
    host: str,
    port: int,
    token: str | None,
    max_upload_mb: int,
    max_files: int,
    private: bool,
    https_only: bool,
) -> None:
    """Serve a corpus on the web: upload, report pages beside their source, search, charts, JSON API.

    Reading is public; uploads need the token, sent as 'Authorization: Bearer TOKEN' or given on the
    login page. The API is described at /openapi.json (and browsable at /api/docs).

    Example:

        NIANBAO_TOKEN=secret nianbao serve --db corpus.db --port 8000
    """
    try:
        import uvicorn

        from ..errors import NianbaoError
        from ..store import open_corpus
        from .app import WebSettings, make_app
        from .uploads import Limits
    except ImportError as e:
        raise click.ClickException(f"缺少网页组件 {e.name}：请安装 pip install 'nianbao[web]'") from None
    token = token or os.environ.get("NIANBAO_TOKEN") or None
    if private and not token:
        raise click.ClickException(
            "--private 需要令牌：请给出 --token 或设置 NIANBAO_TOKEN (a private server needs a token)"
        )
    _check_port(host, port)
    try:
        corpus = open_corpus(db)
    except NianbaoError as e:
        raise click.ClickException(str(e)) from None
    limits = Limits(max_request_bytes=max_upload_mb * 1024 * 1024, max_files=max_files)
    app = make_app(corpus, WebSettings(token=token, limits=limits, private=private, https_only=https_only))
    mode = "令牌已配置，可上传" if token else "只读模式（未配置令牌）"
    mode += "；仅登录后可读" if private else ""
    click.echo(f"nianbao serve: http://{host}:{port}/  {mode}", err=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
    finally:
        corpus.close()


def _check_port(host: str, port: int) -> None:
    """A clear message when the address is taken or not ours, before the database is opened."""
    import socket

    try:
        with socket.create_server((host, port)):
            pass
    except OSError as e:
        raise click.ClickException(
            f"无法在 {host}:{port} 上监听：{e.strerror or e}（端口已被占用？请换 --port）(cannot listen there)"
        ) from None
