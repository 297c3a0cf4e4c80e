"""The ``mgwsim`` command: ``mgwsim demo``, ``mgwsim weather info FILE``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mgwsim.errors import InputError


def _demo(args: argparse.Namespace) -> int:
    from mgwsim.demo import run_demo

    run_demo(Path(args.out))
    return 0


def _weather_info(args: argparse.Namespace) -> int:
    from mgwsim.weather import read_epw, read_pvgis_tmy, weather_summary

    path = Path(args.file)
    reader = read_epw if path.suffix.lower() == ".epw" else read_pvgis_tmy
    weather = reader(path)
    print(f"{weather.source}: {weather.site.name} ({weather.site.latitude_deg:.3f}, {weather.site.longitude_deg:.3f})")
    print(weather_summary(weather).to_string())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mgwsim", description="Collective heat pumps in apartment buildings.")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run the example Antwerp apartment block on the embedded defaults")
    demo.add_argument("--out", default="out", help="folder for the outputs (default: out)")
    demo.set_defaults(func=_demo)
    weather = commands.add_parser("weather", help="weather files")
    weather_commands = weather.add_subparsers(dest="weather_command", required=True)
    info = weather_commands.add_parser("info", help="summary of an EPW or PVGIS TMY file")
    info.add_argument("file")
    info.set_defaults(func=_weather_info)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (InputError, FileNotFoundError) as error:
        print(f"mgwsim: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
