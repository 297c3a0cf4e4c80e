"""Rooftop PV: arrays, roof layouts and hourly (or 15-minute) AC output with pvlib (PVWatts chain).

The chain follows pvlib's ``ModelChain.with_pvwatts`` step by step, vectorised over the
year and computed once per (weather, orientation, parameters):

1. plane-of-array irradiance with :func:`mgwsim.solar.plane_irradiance` (Perez by default,
   solar position at the step's midpoint, shared by every surface of the site; the chain runs
   on the weather's own step, 1 h or 15 min);
2. for rows on a flat roof, inter-row shading: beam shaded fraction of
   :func:`pvlib.shading.shaded_fraction1d` (Anderson & Jensen, 2024) and sky-diffuse masking
   of :func:`pvlib.shading.sky_diffuse_passias` (Passias & Källbäck, 1984);
3. incidence-angle modifier on the beam (:func:`pvlib.iam.physical` or :func:`pvlib.iam.ashrae`);
4. cell temperature, SAPM (King et al., 2004, SAND2004-3535) with
   ``pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS['sapm']``;
5. DC power, :func:`pvlib.pvsystem.pvwatts_dc` (Dobos, 2014, NREL/TP-6A20-62641, eq. 3),
   then system losses (``pvlib.pvsystem.pvwatts_losses`` default 14.08 %);
6. AC power, :func:`pvlib.inverter.pvwatts` (Dobos, 2014, eq. 4-5), clipping at the
   inverter's AC rating ``kwp / dc_ac_ratio``.

Every output scales linearly with kWp (the PVWatts DC and inverter models are
homogeneous of degree one), so the profile is computed *per kWp* and cached; buildings
of a batch run that share a site and an orientation reuse it and only scale by kWp.
Each :class:`PvArray` has its own inverter share (``kwp / dc_ac_ratio``); a single
inverter shared by the faces of an east-west field clips a little less than this.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace

import numpy as np
import pandas as pd
import pvlib

from mgwsim.errors import InputError, check_choice, check_fraction, check_number, check_positive
from mgwsim.solar import TRANSPOSITION_MODELS, plane_irradiance, solar_position
from mgwsim.weather import Weather

__all__ = [
    "PvArray",
    "beam_shaded_fraction",
    "PvKpis",
    "flat_roof_east_west",
    "flat_roof_south",
    "pitched_roof",
    "pv_ac_kw",
    "pv_ac_kw_array",
    "pv_ac_per_kwp",
    "pv_kpis",
    "specific_yield_kwh_per_kwp",
]

SAPM_MOUNTINGS = tuple(pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"])
"""SAPM mounting/module keys (King et al., 2004, Table 1, as tabulated by pvlib)."""

IAM_MODELS = ("physical", "ashrae")

PVWATTS_LOSSES_FRAC = float(pvlib.pvsystem.pvwatts_losses()) / 100.0
"""PVWatts default system losses [-]: soiling 2, shading 3, mismatch 2, wiring 2,
connections 0.5, LID 1.5, nameplate 1, availability 3 % combined multiplicatively = 14.08 %
(Dobos, 2014, NREL/TP-6A20-62641, Table 1; ``pvlib.pvsystem.pvwatts_losses``)."""

MODULE_DENSITY_KWP_M2 = 0.20
"""Default STC power per module area [kWp/m²]. Current 400-440 Wp mono c-Si modules
measure about 1.72 m x 1.13 m = 1.95 m² (e.g. 54-cell half-cut formats), i.e. 0.205-0.226
kWp/m²; 0.20 leaves a margin for older/cheaper modules and module gaps."""

MIN_KWP = 0.4
"""Smallest array [kWp]: one module of about 400 Wp. A roof giving less raises."""

INVERTER_ETA_REF = 0.9637
"""PVWatts reference inverter efficiency [-] (Dobos, 2014, eq. 4; pvlib default)."""

HOURS_PER_YEAR = 8760.0


@dataclass(frozen=True)
class PvArray:
    """A PV array of one orientation with its share of inverter capacity.

    Parameters
    ----------
    tilt_deg : float
        Module tilt from horizontal [°], 0-90.
    azimuth_deg : float
        Module azimuth [°], pvlib convention: 0 north, 90 east, 180 south, 270 west; [0, 360).
    kwp : float
        DC nameplate power at STC [kWp].
    name : str
        Label used in result columns (``pv_<name>_ac_kw``); empty → ``array<i>``.
    gamma_pdc_per_k : float
        Power temperature coefficient [1/K]; -0.0035 is typical of c-Si datasheets
        (-0.0029 to -0.0040 /K); PVWatts' "standard" module uses -0.0037 /K (Dobos, 2014).
    dc_ac_ratio : float
        DC nameplate / inverter AC rating [-], 0.8-2.0. Default 1.15: the Flemish solar-map
        assumption of an inverter at 85-90 % of kWp (VEA solar map assumptions; secondary, original publication not identified).
    eta_inv_nom : float
        Nominal inverter efficiency [-] (PVWatts default 0.96), in [0.8, 1].
    system_losses_frac : float
        DC-side losses [-] (soiling, wiring, mismatch, ...), in [0, 0.5]; default PVWatts 14.08 %.
        When ``row_gcr`` is set, inter-row shading is modelled explicitly on top of these.
    temperature_model : str
        Key of ``pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS['sapm']``. Default
        ``'close_mount_glass_glass'`` (SAPM "close roof mount", a=-2.98, b=-0.0471, ΔT=1 K),
        the SAPM class nearest to modules on a pitched roof; racks on a flat roof with open
        backs are ``'open_rack_glass_polymer'``.
    iam_model : {"physical", "ashrae"}
        Incidence-angle modifier on the beam (pvlib defaults: n=1.526, K=4 /m, L=2 mm; b=0.05).
    transposition : {"perez", "haydavies", "isotropic"}
        Sky-diffuse model passed to :func:`mgwsim.solar.plane_irradiance`.
    albedo : float
        Ground reflectance [-] seen by the modules, in [0, 1].
    row_gcr : float or None
        Ground coverage ratio of equal parallel rows (module slant width / row pitch, pvlib's
        definition), in (0, 1]; ``None`` for a single plane (pitched roof): no row shading.
    """

    tilt_deg: float
    azimuth_deg: float
    kwp: float
    name: str = ""
    gamma_pdc_per_k: float = -0.0035
    dc_ac_ratio: float = 1.15
    eta_inv_nom: float = 0.96
    system_losses_frac: float = PVWATTS_LOSSES_FRAC
    temperature_model: str = "close_mount_glass_glass"
    iam_model: str = "physical"
    transposition: str = "perez"
    albedo: float = 0.2
    row_gcr: float | None = None

    def __post_init__(self):
        owner = "PvArray"
        check_number(self.tilt_deg, "tilt_deg", owner=owner, low=0, high=90, unit="deg")
        check_number(self.azimuth_deg, "azimuth_deg", owner=owner, low=0, high=360, high_inclusive=False, unit="deg")
        check_positive(self.kwp, "kwp", owner=owner, unit="kWp", high=1e5)
        check_number(self.gamma_pdc_per_k, "gamma_pdc_per_k", owner=owner, low=-0.01, high=0.0, unit="1/K")
        check_number(self.dc_ac_ratio, "dc_ac_ratio", owner=owner, low=0.8, high=2.0)
        check_number(self.eta_inv_nom, "eta_inv_nom", owner=owner, low=0.8, high=1.0)
        check_number(self.system_losses_frac, "system_losses_frac", owner=owner, low=0.0, high=0.5)
        check_choice(self.temperature_model, "temperature_model", SAPM_MOUNTINGS, owner=owner)
        check_choice(self.iam_model, "iam_model", IAM_MODELS, owner=owner)
        check_choice(self.transposition, "transposition", TRANSPOSITION_MODELS, owner=owner)
        check_fraction(self.albedo, "albedo", owner=owner)
        if self.row_gcr is not None:
            check_number(self.row_gcr, "row_gcr", owner=owner, low=0.0, low_inclusive=False, high=1.0)
        if not isinstance(self.name, str):
            raise InputError(f"PvArray.name must be a string, got {self.name!r}")

    @property
    def ac_rating_kw(self) -> float:
        """Inverter AC rating [kW] = kwp / dc_ac_ratio (PVWatts definition of the DC/AC ratio)."""
        return self.kwp / self.dc_ac_ratio

    def profile_key(self) -> tuple:
        """Everything that shapes the per-kWp profile (all fields but ``kwp`` and ``name``)."""
        return tuple((f.name, getattr(self, f.name)) for f in fields(self) if f.name not in ("kwp", "name"))

    def scaled(self, kwp: float) -> PvArray:
        """The same array with another size [kWp] (batch runs: one profile, many sizes)."""
        return replace(self, kwp=kwp)


# --------------------------------------------------------------------------- roof layouts


def _available_kwp(owner: str, area_m2, usable_frac, module_density_kwp_m2, coverage: float = 1.0) -> float:
    """kWp that fits: area × usable fraction × module-area coverage × module density."""
    area = check_positive(area_m2, "area_m2", owner=owner, unit="m2")
    usable = check_number(usable_frac, "usable_frac", owner=owner, low=0.0, low_inclusive=False, high=1.0)
    density = check_number(module_density_kwp_m2, "module_density_kwp_m2", owner=owner, low=0.1, high=0.3)
    available = area * usable * coverage * density
    if available < MIN_KWP:
        raise InputError(
            f"{owner}.area_m2 = {area_m2!r} m2 is too small: it holds {available:.2f} kWp "
            f"(usable_frac {usable:g}, coverage {coverage:g}, {density:g} kWp/m2), less than one "
            f"module of {MIN_KWP:g} kWp; at least {MIN_KWP / (usable * coverage * density):.1f} m2 needed"
        )
    return available


def _chosen_kwp(owner: str, kwp, available: float) -> float:
    """The requested kWp (or all that fits), refusing more than the roof holds."""
    if kwp is None:
        return available
    value = check_number(kwp, "kwp", owner=owner, low=MIN_KWP, unit="kWp")
    if value > available * (1.0 + 1e-9):
        raise InputError(
            f"{owner}.kwp = {kwp!r} kWp is more than the roof holds: allowed range "
            f"[{MIN_KWP:g}, {available:.2f}] kWp for this area, coverage and module density"
        )
    return value


def pitched_roof(
    area_m2: float,
    tilt_deg: float,
    azimuth_deg: float,
    *,
    kwp: float | None = None,
    module_density_kwp_m2: float = MODULE_DENSITY_KWP_M2,
    usable_frac: float = 0.75,
    name: str = "roof",
    **array_options,
) -> list[PvArray]:
    """One roof face of a pitched roof, modules parallel to the roof (no row shading).

    Parameters
    ----------
    area_m2 : float
        Area of the roof face in its own (sloped) plane [m²], > 0.
    tilt_deg, azimuth_deg : float
        Roof pitch [°] in (0, 90] and azimuth [°] (pvlib convention, 180 = south).
    kwp : float, optional
        Requested size [kWp]; default all that fits. More than fits raises.
    module_density_kwp_m2 : float
        STC power per module area [kWp/m²], 0.1-0.3 (see :data:`MODULE_DENSITY_KWP_M2`).
    usable_frac : float
        Share of the face that can carry modules after edge setbacks, chimneys, roof windows
        [-], in (0, 1]. 0.75 is an engineering assumption, not a published figure.
    **array_options
        Further :class:`PvArray` fields (``dc_ac_ratio``, ``temperature_model``, ...).

    Returns
    -------
    list of PvArray
        One array: kWp = min(kwp, area × usable_frac × module density).
    """
    check_number(tilt_deg, "tilt_deg", owner="pitched_roof", low=0.0, low_inclusive=False, high=90.0, unit="deg")
    available = _available_kwp("pitched_roof", area_m2, usable_frac, module_density_kwp_m2)
    size = _chosen_kwp("pitched_roof", kwp, available)
    return [PvArray(tilt_deg=tilt_deg, azimuth_deg=azimuth_deg, kwp=size, name=name, **array_options)]


def flat_roof_south(
    area_m2: float,
    *,
    tilt_deg: float = 20.0,
    gcr: float = 0.45,
    azimuth_deg: float = 180.0,
    kwp: float | None = None,
    module_density_kwp_m2: float = MODULE_DENSITY_KWP_M2,
    usable_frac: float = 0.8,
    name: str = "south",
    temperature_model: str = "open_rack_glass_polymer",
    **array_options,
) -> list[PvArray]:
    """Parallel rows facing one way (south by default) on a flat roof.

    kWp = area × usable_frac × gcr × module density, where ``gcr`` is module slant width over
    row pitch (pvlib's ground coverage ratio). The rows shade each other: the beam by the
    shaded fraction of :func:`pvlib.shading.shaded_fraction1d` and the diffuse by the average
    Passias masking angle (applied to all rows; the unshaded front row is neglected).

    Parameters
    ----------
    area_m2 : float
        Flat roof area [m²], > 0.
    tilt_deg : float
        Row tilt [°], in (0, 60]; 15-30 is usual for ballasted racks.
    gcr : float
        Ground coverage ratio [-], in (0, 1]. 0.45 keeps rows at 20° nearly unshaded at
        Belgian latitudes except in winter; the shading loss is computed, not assumed.
    azimuth_deg : float
        Row azimuth [°] (pvlib convention).
    kwp, module_density_kwp_m2, usable_frac, name, **array_options
        As in :func:`pitched_roof` (usable_frac 0.8: edge setbacks on a flat roof, assumption).
    temperature_model : str
        SAPM key; default open rack (module backs ventilated).
    """
    owner = "flat_roof_south"
    check_number(tilt_deg, "tilt_deg", owner=owner, low=0.0, low_inclusive=False, high=60.0, unit="deg")
    check_number(gcr, "gcr", owner=owner, low=0.0, low_inclusive=False, high=1.0)
    available = _available_kwp(owner, area_m2, usable_frac, module_density_kwp_m2, coverage=gcr)
    size = _chosen_kwp(owner, kwp, available)
    return [
        PvArray(
            tilt_deg=tilt_deg, azimuth_deg=azimuth_deg, kwp=size, name=name, row_gcr=float(gcr),
            temperature_model=temperature_model, **array_options,
        )
    ]


def flat_roof_east_west(
    area_m2: float,
    *,
    tilt_deg: float = 10.0,
    gcr: float = 0.9,
    east_azimuth_deg: float = 90.0,
    kwp: float | None = None,
    module_density_kwp_m2: float = MODULE_DENSITY_KWP_M2,
    usable_frac: float = 0.8,
    name: str = "ew",
    temperature_model: str = "close_mount_glass_glass",
    **array_options,
) -> list[PvArray]:
    """Back-to-back east-west "tents" on a flat roof: two arrays of equal size.

    ``gcr`` here is module area over covered roof area (both faces), so a field of tents
    without gaps has ``gcr = 1/cos(tilt)``. For shading, each face behaves like parallel rows
    with ``row_gcr = gcr / 2``: the shadow and the masking angle on the east face come from the
    ridge of the next tent, whose position and height equal those of the top edge of a
    parallel east-facing row at the same pitch.

    Parameters
    ----------
    area_m2 : float
        Flat roof area [m²], > 0.
    tilt_deg : float
        Tilt of each face [°], in (0, 30]; 10-15 is usual for east-west systems.
    gcr : float
        Module area / covered roof area [-], in (0, 1/cos(tilt)].
    east_azimuth_deg : float
        Azimuth of the "east" face [°], in [0, 180); the other face is +180°.
    kwp, module_density_kwp_m2, usable_frac, name, **array_options
        As in :func:`flat_roof_south`; the kWp is split equally; names ``<name>_east``,
        ``<name>_west``.
    temperature_model : str
        SAPM key; default close mount (tent backs are closed by the opposite face).
    """
    owner = "flat_roof_east_west"
    tilt = check_number(tilt_deg, "tilt_deg", owner=owner, low=0.0, low_inclusive=False, high=30.0, unit="deg")
    cover = check_number(gcr, "gcr", owner=owner, low=0.0, low_inclusive=False, high=1.0 / math.cos(math.radians(tilt)))
    east = check_number(east_azimuth_deg, "east_azimuth_deg", owner=owner, low=0.0, high=180.0, high_inclusive=False)
    available = _available_kwp(owner, area_m2, usable_frac, module_density_kwp_m2, coverage=cover)
    half = _chosen_kwp(owner, kwp, available) / 2.0
    common = dict(tilt_deg=tilt, kwp=half, row_gcr=cover / 2.0, temperature_model=temperature_model, **array_options)
    return [
        PvArray(azimuth_deg=east, name=f"{name}_east", **common),
        PvArray(azimuth_deg=east + 180.0, name=f"{name}_west", **common),
    ]


# --------------------------------------------------------------------------- hourly chain


def beam_shaded_fraction(solar_zenith_deg, solar_azimuth_deg, tilt_deg: float, azimuth_deg: float, row_gcr: float):
    """Fraction of a row's slant width in the shadow of the row in front [-].

    Zero when the sun is down or behind the plane (no beam reaches the modules then).

    Equal, parallel fixed rows on flat ground, via :func:`pvlib.shading.shaded_fraction1d`
    (Anderson & Jensen, 2024, *J. Renew. Sustain. Energy* 16:023504, eq. 12). The row axis
    lies 90° anticlockwise (seen from above) of the facing direction, so a positive rotation
    by the tilt turns the module towards ``azimuth_deg`` (pvlib's right-handed convention:
    axis azimuth 90° and rotation +β face south).

    Parameters
    ----------
    solar_zenith_deg, solar_azimuth_deg : array_like
        Sun position [°].
    tilt_deg, azimuth_deg : float
        Row tilt and facing azimuth [°].
    row_gcr : float
        Slant width / row pitch [-].
    """
    zenith = np.asarray(solar_zenith_deg, dtype=np.float64)
    shaded = pvlib.shading.shaded_fraction1d(
        solar_zenith=zenith,
        solar_azimuth=np.asarray(solar_azimuth_deg, dtype=np.float64),
        axis_azimuth=(azimuth_deg - 90.0) % 360.0,
        shaded_row_rotation=tilt_deg,
        collector_width=1.0,
        pitch=1.0 / row_gcr,
    )
    aoi = pvlib.irradiance.aoi(tilt_deg, azimuth_deg, zenith, solar_azimuth_deg)
    return np.where((zenith < 90.0) & (aoi < 90.0), shaded, 0.0)


def _row_shading(weather: Weather, array: PvArray) -> tuple[np.ndarray, float]:
    """Beam shaded fraction [-] per hour and sky-diffuse loss fraction [-] of equal rows.

    The diffuse loss uses the average Passias masking angle (isotropic sky; Passias &
    Källbäck, 1984, *Solar Cells* 11:281-291) and is applied to the whole plane diffuse.
    Shading loss is taken as proportional to the shaded area (no bypass-diode effects).
    """
    position = solar_position(weather)
    shaded = beam_shaded_fraction(
        position["apparent_zenith"].to_numpy(), position["azimuth"].to_numpy(),
        array.tilt_deg, array.azimuth_deg, array.row_gcr,
    )
    mask_deg = pvlib.shading.masking_angle_passias(array.tilt_deg, array.row_gcr)
    return shaded, float(pvlib.shading.sky_diffuse_passias(mask_deg))


def _plane_components(weather: Weather, array: PvArray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Beam and diffuse on the modules after row shading [W/m²], and the angle of incidence [°]."""
    poa = plane_irradiance(weather, array.tilt_deg, array.azimuth_deg, model=array.transposition, albedo=array.albedo)
    direct = poa["poa_direct_w_m2"].to_numpy()
    diffuse = poa["poa_diffuse_w_m2"].to_numpy()
    if array.row_gcr is not None:
        beam_shaded, diffuse_loss = _row_shading(weather, array)
        direct = direct * (1.0 - beam_shaded)
        diffuse = diffuse * (1.0 - diffuse_loss)
    return direct, diffuse, poa["aoi_deg"].to_numpy()


def _iam(aoi_deg: np.ndarray, model: str) -> np.ndarray:
    """Beam incidence-angle modifier [-]; 0 beyond 90° (sun behind the plane)."""
    aoi = np.nan_to_num(aoi_deg, nan=90.0)
    iam = pvlib.iam.physical(aoi) if model == "physical" else pvlib.iam.ashrae(aoi)
    return np.nan_to_num(np.asarray(iam, dtype=np.float64), nan=0.0)


def _cell_temperature_degc(weather: Weather, poa_global_w_m2: np.ndarray, model: str) -> np.ndarray:
    """SAPM cell temperature [°C] (King et al., 2004, eq. 11-12) from the plane's global irradiance."""
    params = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][model]
    return pvlib.temperature.sapm_cell(
        poa_global_w_m2, weather.column("temp_air_degc"), weather.column("wind_speed_m_s"), **params
    )


def _pvwatts_efficiency(zeta: np.ndarray, eta_inv_nom: float) -> np.ndarray:
    """PVWatts part-load inverter efficiency [-] at ζ = P_dc / P_dc0 > 0 (Dobos, 2014, eq. 4)."""
    return eta_inv_nom / INVERTER_ETA_REF * (-0.0162 * zeta - 0.0059 / zeta + 0.9858)


def _inverter_kw_per_kwp(dc: np.ndarray, array: PvArray) -> tuple[np.ndarray, np.ndarray]:
    """AC output and clipped power [kW/kWp] of the PVWatts inverter sized at 1/dc_ac_ratio.

    The inverter's DC input limit is ``pdc0 = P_ac,rated / eta_inv_nom`` (pvlib.inverter.pvwatts).
    Clipped power is what the efficiency curve would give above the AC rating.
    """
    pdc0 = 1.0 / (array.dc_ac_ratio * array.eta_inv_nom)
    ac = np.asarray(pvlib.inverter.pvwatts(dc, pdc0, eta_inv_nom=array.eta_inv_nom), dtype=np.float64)
    positive = dc > 0.0
    unclipped = np.zeros_like(dc)
    unclipped[positive] = dc[positive] * _pvwatts_efficiency(dc[positive] / pdc0, array.eta_inv_nom)
    clipped = np.maximum(unclipped - ac, 0.0)
    return ac, clipped


def _profile(weather: Weather, array: PvArray) -> pd.DataFrame:
    """Uncached per-kWp chain (see the module docstring)."""
    direct, diffuse, aoi = _plane_components(weather, array)
    effective = direct * _iam(aoi, array.iam_model) + diffuse
    temp_cell = _cell_temperature_degc(weather, direct + diffuse, array.temperature_model)
    dc = pvlib.pvsystem.pvwatts_dc(effective, temp_cell, pdc0=1.0, gamma_pdc=array.gamma_pdc_per_k)
    dc = np.asarray(dc, dtype=np.float64) * (1.0 - array.system_losses_frac)
    ac, clipped = _inverter_kw_per_kwp(dc, array)
    return pd.DataFrame(
        {
            "poa_effective_w_m2": effective,
            "temp_cell_degc": temp_cell,
            "dc_kw_per_kwp": dc,
            "ac_kw_per_kwp": ac,
            "clipped_kw_per_kwp": clipped,
        },
        index=weather.index,
    )


def pv_ac_per_kwp(weather: Weather, array: PvArray) -> pd.DataFrame:
    """Normalised output of an array per step [per kWp], cached on the weather per orientation.

    Parameters
    ----------
    weather : Weather
        Hourly or 15-minute weather (period-beginning steps).
    array : PvArray
        The array; its ``kwp`` and ``name`` do not matter (the result is per kWp).

    Returns
    -------
    DataFrame
        With the weather's index: ``poa_effective_w_m2`` (beam × IAM + diffuse after row
        shading), ``temp_cell_degc``, ``dc_kw_per_kwp`` (after system losses, inverter
        input), ``ac_kw_per_kwp`` and ``clipped_kw_per_kwp`` (lost to inverter clipping).
        Power is the step's mean [kW per kWp]. A shallow copy of the cached frame.
    """
    if not isinstance(weather, Weather):
        raise InputError(f"pv_ac_per_kwp.weather must be a mgwsim Weather, got {type(weather).__name__}")
    if not isinstance(array, PvArray):
        raise InputError(f"pv_ac_per_kwp.array must be a PvArray, got {type(array).__name__}")
    key = ("pv_per_kwp", array.profile_key())
    cached = weather._cache.get(key)
    if cached is None:
        cached = _profile(weather, array)
        weather._cache[key] = cached
    return cached.copy(deep=False)


def _as_array_list(arrays, owner: str) -> list[PvArray]:
    """Accept one PvArray or a non-empty sequence of them with distinct names."""
    items = [arrays] if isinstance(arrays, PvArray) else list(arrays)
    if not items:
        raise InputError(f"{owner}.arrays is empty: give at least one PvArray")
    for i, item in enumerate(items):
        if not isinstance(item, PvArray):
            raise InputError(f"{owner}.arrays[{i}] must be a PvArray, got {type(item).__name__}")
    names = [item.name or f"array{i}" for i, item in enumerate(items)]
    if len(set(names)) != len(names):
        raise InputError(f"{owner}.arrays have duplicate names {names}: give each PvArray a distinct name")
    return [replace(item, name=label) for item, label in zip(items, names, strict=True)]


def pv_ac_kw(weather: Weather, arrays) -> pd.DataFrame:
    """Hourly AC output [kW] per array (``pv_<name>_ac_kw``) and in total (``pv_ac_kw``).

    Each column is ``kwp × pv_ac_per_kwp(weather, array)['ac_kw_per_kwp']``; the per-kWp
    profiles are cached, so a second building with the same orientations costs a product.
    """
    items = _as_array_list(arrays, "pv_ac_kw")
    columns = {
        f"pv_{item.name}_ac_kw": item.kwp * pv_ac_per_kwp(weather, item)["ac_kw_per_kwp"].to_numpy()
        for item in items
    }
    result = pd.DataFrame(columns, index=weather.index)
    result["pv_ac_kw"] = result.sum(axis=1)
    return result


def pv_ac_kw_array(weather: Weather, arrays) -> np.ndarray:
    """Total AC output per step [kW, step mean] as a contiguous float64 array (the form the kernels take).

    The fast path of batch runs: no DataFrame is built, only cached profiles times kWp.
    """
    items = _as_array_list(arrays, "pv_ac_kw_array")
    total = np.zeros(weather.n_hours)
    for item in items:
        total += item.kwp * pv_ac_per_kwp(weather, item)["ac_kw_per_kwp"].to_numpy()
    return total


def _annualise(power_sum_kw: float, weather: Weather) -> float:
    """Powers [kW] summed over the weather's steps, as energy scaled to 8,760 h [kWh/a].

    ``E = Σ P·Δt × 8760 h / (n·Δt)``: each step mean [kW] times the step length [h], over
    the covered duration ``n·Δt``.
    """
    step_h = weather.step_h
    return power_sum_kw * step_h * HOURS_PER_YEAR / (weather.n_steps * step_h)


def specific_yield_kwh_per_kwp(weather: Weather, array: PvArray) -> float:
    """Annual AC yield per kWp [kWh/kWp·a] (sum of step means × step length, scaled to 8,760 h)."""
    return _annualise(float(pv_ac_per_kwp(weather, array)["ac_kw_per_kwp"].sum()), weather)


# --------------------------------------------------------------------------- KPIs


@dataclass(frozen=True)
class PvKpis:
    """Annual PV indicators of a set of arrays.

    Attributes
    ----------
    kwp : float
        Installed DC power [kWp].
    ac_kwh_per_a : float
        AC energy [kWh/a].
    specific_yield_kwh_per_kwp : float
        ``ac_kwh_per_a / kwp`` [kWh/kWp·a].
    capacity_factor_frac : float
        ``specific_yield / 8760`` [-].
    clipping_loss_kwh_per_a : float
        AC energy lost to inverter clipping [kWh/a].
    clipping_loss_frac : float
        Clipping loss / (AC + clipping loss) [-].
    peak_ac_kw : float
        Highest AC power of a step [kW] (an hourly or 15-minute mean, as the weather).
    """

    kwp: float
    ac_kwh_per_a: float
    specific_yield_kwh_per_kwp: float
    capacity_factor_frac: float
    clipping_loss_kwh_per_a: float
    clipping_loss_frac: float
    peak_ac_kw: float

    def to_series(self) -> pd.Series:
        """The indicators as a Series named by field (units in the names)."""
        return pd.Series(asdict(self), dtype=np.float64)


def pv_kpis(weather: Weather, arrays) -> PvKpis:
    """Annual yield, specific yield, capacity factor and clipping losses of ``arrays``."""
    items = _as_array_list(arrays, "pv_kpis")
    kwp = sum(item.kwp for item in items)
    ac = sum(item.kwp * pv_ac_per_kwp(weather, item)["ac_kw_per_kwp"].to_numpy() for item in items)
    clipped = sum(item.kwp * pv_ac_per_kwp(weather, item)["clipped_kw_per_kwp"].to_numpy() for item in items)
    ac_kwh = _annualise(float(ac.sum()), weather)
    clipped_kwh = _annualise(float(clipped.sum()), weather)
    total = ac_kwh + clipped_kwh
    return PvKpis(
        kwp=kwp,
        ac_kwh_per_a=ac_kwh,
        specific_yield_kwh_per_kwp=ac_kwh / kwp,
        capacity_factor_frac=ac_kwh / kwp / HOURS_PER_YEAR,
        clipping_loss_kwh_per_a=clipped_kwh,
        clipping_loss_frac=clipped_kwh / total if total > 0 else 0.0,
        peak_ac_kw=float(ac.max()),
    )
