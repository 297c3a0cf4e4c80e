"""The data files' source notes in Dutch, for the Dutch report and workbook (:func:`source_note`).

The data files (cost table, tariffs, CO2 factors, weather, design temperatures, day-ahead prices) write
their source notes in English. The Dutch report shows each note in Dutch when this catalogue has it: the
publications named in a note keep their own titles (a Flemish reader cites "Fluvius" or "IPCC 2006" as
written; EU regulations by their official Dutch title), the words around them are translated. A note
the catalogue does not know stays in English, marked as a quotation (``lang="en"``), and
``tests/test_report_nl.py`` fails on it for the demo, so that a new data note gets its Dutch version.

Each entry is (pattern, Dutch): the pattern matches one whole note or one ``"; "``-separated part of a
note (a regular expression; most are literal text), the Dutch may use its groups (``\\1``). A note's
trailing years (" (2026)") are kept as they are.
"""

from __future__ import annotations

import re

_LITERAL: dict[str, str] = {
    # data folders (report: data files table)
    "NREL National Solar Radiation Database (NSRDB), PSM v3, Uccle 2019":
        "NREL National Solar Radiation Database (NSRDB), PSM v3, Ukkel 2019",
    "NBN EN 12831-1 ANB:2020": "NBN EN 12831-1 ANB:2020",
    "TABULA/EPISCOPE, Belgian national typology compiled by VITO (IEE TABULA 2009–2012, EPISCOPE 2013–2016), "
    "CC BY 4.0": "TABULA/EPISCOPE, Belgische nationale typologie opgesteld door VITO (IEE TABULA 2009–2012, "
                 "EPISCOPE 2013–2016), CC BY 4.0",
    "Fluvius tariff sheets 2026 as rate cards of suppliers": "tariefbladen van Fluvius 2026 zoals in de tariefkaarten "
                                                             "van leveranciers",
    "VREG tariff methodology": "tariefmethodologie van de VREG",
    "FOD Financiën (excise, VAT)": "FOD Financiën (accijnzen, btw)",
    "each parameter's source in the tariff tables": "de bron van elke parameter staat in de tarieftabellen",
    "ENTSO-E Transparency Platform via Ember, European Wholesale Electricity Price Data (NL 2024), CC BY 4.0":
        "ENTSO-E Transparency Platform via Ember, European Wholesale Electricity Price Data (NL 2024), CC BY 4.0",
    "Cal-26 forward level": "niveau van de Cal-26-forward",
    "each row's source and year in the cost table": "bron en jaar van elke rij staan in de kostentabel",
    "IPCC 2006 Guidelines, Vol. 2, Ch. 1, Table 1.4": "IPCC 2006 Guidelines, deel 2, hoofdstuk 1, tabel 1.4",
    "IPCC 2006 Guidelines, Vol. 2, Ch. 1, Table 1.4 (fuels)":
        "IPCC 2006 Guidelines, deel 2, hoofdstuk 1, tabel 1.4 (brandstoffen)",
    "electricity: the study's factor with its source and scope in the CO2 factors table":
        "elektriciteit: de factor van de studie, met bron en afbakening in de tabel van de CO2-factoren",
    "AIB European Residual Mixes 2022/2023 (VREG), shipped as an alternative":
        "AIB European Residual Mixes 2022/2023 (VREG), meegeleverd als alternatief",
    "Commission Delegated Regulation (EU) No 812/2013, Annex VII, Table 3":
        "Gedelegeerde Verordening (EU) nr. 812/2013 van de Commissie, bijlage VII, tabel 3",
    "Regulation (EU) No 814/2013": "Verordening (EU) nr. 814/2013",
    "Stromspiegel für Deutschland (co2online)": "Stromspiegel für Deutschland (co2online)",
    "Ochsner and Viessmann data sheets (EN 14511) as tabulated in AixLib and IDEAS":
        "technische fiches van Ochsner en Viessmann (EN 14511) zoals opgenomen in AixLib en IDEAS",
    "Regulation (EU) 2024/573 (F-gas), Annex IV, as summarised by Bundesverband Wärmepumpe":
        "Verordening (EU) 2024/573 (F-gassen), bijlage IV, zoals samengevat door de Bundesverband Wärmepumpe",
    "ElaadNL open charging statistics, via EV2Gym (Orfanoudakis et al., IEEE T-ITS)":
        "open laadstatistieken van ElaadNL, via EV2Gym (Orfanoudakis et al., IEEE T-ITS)",
    "Stad Antwerpen, Klimaatfonds, thematische oproep 'Hernieuwbare energie in meergezinswoningen' (2022, "
    "submissions until 29 September 2022) and its toelichtingsdocument, antwerpenvoorklimaat.be":
        "Stad Antwerpen, Klimaatfonds, thematische oproep 'Hernieuwbare energie in meergezinswoningen' (2022, "
        "indienen tot 29 september 2022) en het toelichtingsdocument, antwerpenvoorklimaat.be",
    # day-ahead prices
    "hourly shape: Dutch day-ahead prices 2024 (ENTSO-E Transparency Platform via Ember, CC BY 4.0, as shipped in "
    "the ev2gym 2.0.0 wheel on PyPI)": "uurprofiel: Nederlandse day-aheadprijzen 2024 (ENTSO-E Transparency Platform "
                                       "via Ember, CC BY 4.0, zoals meegeleverd in het ev2gym-2.0.0-pakket op PyPI)",
    "level: Dutch Cal-26 (baseload) forward 84.8 EUR/MWh (as reported in the EPNL weekly market update of 8-12 "
    "September 2025, secondary)": "niveau: Nederlandse Cal-26-forward (baseload) 84,8 EUR/MWh (zoals vermeld in de "
                                  "wekelijkse marktupdate van EPNL van 8-12 september 2025, secundair)",
    "a scaled shape, not a measured Belgian series: the Dutch zone (market-coupled with Belgium) stands in for "
    "Belgium and the level is a forward price quoted before the year began": "een geschaald profiel, geen gemeten "
        "Belgische reeks: de Nederlandse zone (marktgekoppeld met België) staat in voor België en het niveau is een "
        "forwardprijs genoteerd vóór het begin van het jaar",
    "load your own Belgian prices for a real study": "laad voor een echte studie eigen Belgische prijzen",
    "a scaled shape, not a measured Belgian series: the Dutch zone (market-coupled with Belgium) stands in for "
    "Belgium and the level is a forward price quoted before the year began; load your own Belgian prices for a "
    "real study": "een geschaald profiel, geen gemeten Belgische reeks: de Nederlandse zone (marktgekoppeld met "
                  "België) staat in voor België en het niveau is een forwardprijs genoteerd vóór het begin van het "
                  "jaar; laad voor een echte studie eigen Belgische prijzen",
    # CO2 factors
    "IPCC 2006 NCV factor x NCV/GCV = 0.90 for natural gas (IPCC 2006 Vol. 2 Ch. 1: NCV about 10 % below GCV for "
    "natural gas)": "IPCC 2006-factor op onderste verbrandingswaarde x OVW/BVW = 0,90 voor aardgas (IPCC 2006 deel 2 "
                    "hfst. 1: de OVW ligt voor aardgas ongeveer 10 % onder de BVW)",
    "IPCC 2006 NCV factor x NCV/GCV = 0.92 (propane 46.4/50.4 MJ/kg; mgwsim approximation)":
        "IPCC 2006-factor op onderste verbrandingswaarde x OVW/BVW = 0,92 (propaan 46,4/50,4 MJ/kg; benadering "
        "van mgwsim)",
    "IPCC 2006 NCV factor x NCV/GCV = 0.95 for liquid fuels (IPCC 2006 Vol. 2 Ch. 1: about 5 % for oil)":
        "IPCC 2006-factor op onderste verbrandingswaarde x OVW/BVW = 0,95 voor vloeibare brandstoffen (IPCC 2006 "
        "deel 2 hfst. 1: ongeveer 5 % voor olie)",
    "secondary ('about 165 gCO2e/kWh', Electricity Maps gives 175)":
        "secundair ('ongeveer 165 gCO2e/kWh', Electricity Maps geeft 175)",
    "original publication not identified": "oorspronkelijke publicatie niet gevonden",
    "exact act not identified": "precieze wettekst niet gevonden",
    "AIB European Residual Mixes 2022, Belgium, as published by VREG":
        "AIB European Residual Mixes 2022, België, zoals gepubliceerd door de VREG",
    "AIB European Residual Mixes 2023, Belgium, as published by VREG":
        "AIB European Residual Mixes 2023, België, zoals gepubliceerd door de VREG",
    "direct CO2 of combustion per kWh gross calorific value": "directe CO2 van de verbranding per kWh bovenste "
                                                               "verbrandingswaarde",
    "life-cycle CO2e": "CO2e over de levenscyclus",
    "Belgian production mix": "Belgische productiemix",
    # low-voltage and gas tariffs
    "Fluvius Antwerpen 2026 capacity tariff, secondary: supplier rate card April 2026":
        "Fluvius Antwerpen 2026 capaciteitstarief, secundair: tariefkaart van een leverancier, april 2026",
    "Fluvius Antwerpen 2026 data management, secondary: supplier rate card April 2026":
        "Fluvius Antwerpen 2026 databeheer, secundair: tariefkaart van een leverancier, april 2026",
    "Fluvius Antwerpen 2026 distribution (afname) per kWh, secondary: supplier rate card April 2026":
        "Fluvius Antwerpen 2026 distributie (afname) per kWh, secundair: tariefkaart van een leverancier, april 2026",
    "Flemish CHP certificate surcharge, secondary: rate card 2026":
        "Vlaamse toeslag warmtekrachtcertificaten, secundair: tariefkaart 2026",
    "Flemish green power certificate surcharge, secondary: rate card 2026":
        "Vlaamse toeslag groenestroomcertificaten, secundair: tariefkaart 2026",
    "Flemish CHP certificate surcharge, secondary 2026": "Vlaamse toeslag warmtekrachtcertificaten, secundair 2026",
    "Flemish green power certificate surcharge, secondary 2026":
        "Vlaamse toeslag groenestroomcertificaten, secundair 2026",
    "assumed equal for MV": "verondersteld gelijk voor middenspanning",
    "assumed equal for MV (degressive schemes for large consumers not modelled)":
        "verondersteld gelijk voor middenspanning (degressieve regelingen voor grootverbruikers niet gemodelleerd)",
    "federal energy contribution (energiebijdrage), secondary: rate card 2026":
        "federale energiebijdrage, secundair: tariefkaart 2026",
    "federal energy contribution, secondary rate card 2026": "federale energiebijdrage, secundaire tariefkaart 2026",
    "federal energy contribution on natural gas ~1.00 EUR/MWh (recollection, not verified)":
        "federale energiebijdrage op aardgas ~1,00 EUR/MWh (uit het geheugen, niet geverifieerd)",
    "special excise residential electricity 47.48 EUR/MWh from 1 Jul 2023, basic band 3 MWh (FOD Financien, via "
    "secondary sites)": "bijzondere accijns op residentiële elektriciteit 47,48 EUR/MWh vanaf 1 juli 2023, basisschijf "
                        "3 MWh (FOD Financiën, via secundaire websites)",
    "2026 indexation not verified": "indexering 2026 niet geverifieerd",
    "as above: same rate above the basic band": "zoals hierboven: hetzelfde tarief boven de basisschijf",
    "special excise residential gas 8.23 EUR/MWh, basic band 12 MWh (FOD Financien via secondary sites)":
        "bijzondere accijns op residentieel aardgas 8,23 EUR/MWh, basisschijf 12 MWh (FOD Financiën via secundaire "
        "websites)",
    "as above": "zoals hierboven",
    "same rate above the basic band unless the cliquet applies (not modelled)":
        "hetzelfde tarief boven de basisschijf, tenzij het cliquetsysteem speelt (niet gemodelleerd)",
    "VAT 21 % on business supply": "btw 21 % op levering aan ondernemingen",
    "a VME is normally not VAT-liable, so VAT is a real cost":
        "een VME is normaal niet btw-plichtig, dus de btw is een echte kost",
    "VAT 6 % on residential electricity since 1 Apr 2023 (Programme law / KB, FOD Financien)":
        "btw 6 % op residentiële elektriciteit sinds 1 april 2023 (programmawet / KB, FOD Financiën)",
    "VME common connection treated as residential, see README":
        "de gemeenschappelijke aansluiting van de VME behandeld als residentieel, zie README",
    "VAT 6 % on residential gas since 1 Apr 2023": "btw 6 % op residentieel aardgas sinds 1 april 2023",
    "VME collective boiler treated as residential, see README":
        "de collectieve ketel van de VME behandeld als residentieel, zie README",
    "VREG tariff methodology / VREG FAQ capaciteitstarief: each monthly peak counts as at least 2.5 kW":
        "tariefmethodologie van de VREG / VREG-FAQ capaciteitstarief: elke maandpiek telt voor minstens 2,5 kW",
    "no separate injection tariff for low-voltage digital-meter customers since the capacity tariff (VREG tariff "
    "methodology 2021-2024)": "geen apart injectietarief voor laagspanningsklanten met een digitale meter sinds het "
                              "capaciteitstarief (tariefmethodologie van de VREG 2021-2024)",
    "assumption kept for 2026": "aanname behouden voor 2026",
    "fixed injection offers 0.02-0.05 EUR/kWh 2023-2026 (secondary)":
        "vaste injectievergoedingen 0,02-0,05 EUR/kWh 2023-2026 (secundair)",
    "mid value": "middenwaarde",
    "fixed-price contract (only 'fixed' is supported for gas)":
        "contract met vaste prijs (voor gas wordt enkel 'fixed' ondersteund)",
    "formula injection offers like 0.45 x spot + 0.005 EUR/kWh (secondary)":
        "formule-injectievergoedingen zoals 0,45 x spot + 0,005 EUR/kWh (secundair)",
    "formula offers (secondary)": "formuleaanbiedingen (secundair)",
    "formula offers like 0.45 x spot + 0.005 EUR/kWh (secondary)":
        "formuleaanbiedingen zoals 0,45 x spot + 0,005 EUR/kWh (secundair)",
    "mgwsim default: fixed-price contract": "standaard van mgwsim: contract met vaste prijs",
    "'dynamic' uses multiplier x day-ahead + mark-up": "'dynamic' gebruikt vermenigvuldiger x day-ahead + opslag",
    "mgwsim default": "standaard van mgwsim",
    "'formula' uses multiplier x day-ahead + mark-up": "'formula' gebruikt vermenigvuldiger x day-ahead + opslag",
    "assumption: Fluvius gas distribution per kWh order of magnitude (not verified against the 2026 sheet)":
        "aanname: grootteorde van de gasdistributie van Fluvius per kWh (niet geverifieerd met het tariefblad 2026)",
    "assumption: Fluvius gas fixed distribution term (not verified)":
        "aanname: vaste distributieterm gas van Fluvius (niet geverifieerd)",
    "assumption: Fluxys transport component (not verified)": "aanname: transportcomponent van Fluxys (niet geverifieerd)",
    "assumption: business supplier fixed fee (not verified)":
        "aanname: vaste vergoeding van een leverancier voor ondernemingen (niet geverifieerd)",
    "assumption: customer-owned MV cabin 'tens of thousands of EUR' (not verified)":
        "aanname: middenspanningscabine in eigendom van de klant, 'tienduizenden EUR' (niet geverifieerd)",
    "user input": "invoer van de gebruiker",
    "assumption: day-ahead indexed business contract (not verified)":
        "aanname: op de day-aheadprijs geïndexeerd contract voor ondernemingen (niet geverifieerd)",
    "assumption: preventive maintenance of cabin (not verified)":
        "aanname: preventief onderhoud van de cabine (niet geverifieerd)",
    "assumption: same as electricity data management (electricity figure from a supplier rate card April 2026, "
    "secondary, original publication not identified; gas figure not verified)":
        "aanname: gelijk aan het databeheer voor elektriciteit (cijfer voor elektriciteit uit een tariefkaart van een "
        "leverancier van april 2026, secundair, oorspronkelijke publicatie niet gevonden; cijfer voor gas niet "
        "geverifieerd)",
    "assumption: supplier mark-up on day-ahead indexed business contracts (not verified)":
        "aanname: opslag van de leverancier op day-aheadcontracten voor ondernemingen (niet geverifieerd)",
    "assumption: typical Flemish fixed-price gas offer energy component excl. VAT 2025-2026 (not verified)":
        "aanname: energiecomponent van een typisch Vlaams gasaanbod met vaste prijs, excl. btw, 2025-2026 (niet "
        "geverifieerd)",
    "assumption: typical Flemish fixed-price offer energy component excl. VAT, order of magnitude of VREG V-test "
    "offers 2025 (not verified against a 2026 offer)": "aanname: energiecomponent van een typisch Vlaams aanbod met "
                                                       "vaste prijs, excl. btw, grootteorde van de aanbiedingen in de "
                                                       "V-test van de VREG 2025 (niet geverifieerd met een aanbod van "
                                                       "2026)",
    "assumption: typical MV switchgear/transformer lifetime 30 years (not verified)":
        "aanname: typische levensduur van middenspanningsschakelaars en -transformator 30 jaar (niet geverifieerd)",
    "assumption: typical business fixed-price MV energy component excl. VAT (not verified)":
        "aanname: typische energiecomponent met vaste prijs voor ondernemingen op middenspanning, excl. btw (niet "
        "geverifieerd)",
    "assumption: typical dynamic offers index 1.0 x Belpex/EPEX day-ahead (secondary, supplier terms vary)":
        "aanname: typische dynamische aanbiedingen indexeren aan 1,0 x Belpex/EPEX day-ahead (secundair, de "
        "voorwaarden verschillen per leverancier)",
    "assumption: typical supplier fixed fee (not verified)":
        "aanname: typische vaste vergoeding van een leverancier (niet geverifieerd)",
    "assumption: typical supplier fixed fee (vaste vergoeding) 40-100 EUR/year excl. VAT (not verified)":
        "aanname: typische vaste vergoeding van een leverancier 40-100 EUR/jaar excl. btw (niet geverifieerd)",
    "assumption: typical supplier mark-up on dynamic offers 0.01-0.02 EUR/kWh (secondary, not verified)":
        "aanname: typische opslag van een leverancier op dynamische aanbiedingen 0,01-0,02 EUR/kWh (secundair, niet "
        "geverifieerd)",
    "assumption: yearly inspection of the HV installation by an accredited body (AREI 2020 requires it; price not "
    "verified)": "aanname: jaarlijkse keuring van de hoogspanningsinstallatie door een erkend organisme (het AREI "
                 "2020 vraagt ze; prijs niet geverifieerd)",
    # medium voltage
    "Fluvius Antwerpen 2026 MV access power (toegangsvermogen, expressed in kW: Fluvius FAQ capaciteitstarief "
    "grootverbruiksmeting 2023; the key keeps its historical name), secondary: public grid-fee simulator data file":
        "Fluvius Antwerpen 2026 toegangsvermogen middenspanning (uitgedrukt in kW: Fluvius, veelgestelde vragen "
        "capaciteitstarief grootverbruiksmeting 2023; de sleutel houdt zijn historische naam), secundair: "
        "gegevensbestand van een openbare simulator van nettarieven",
    "Fluvius Antwerpen 2026 MV data management, secondary": "Fluvius Antwerpen 2026 databeheer middenspanning, "
                                                             "secundair",
    "Fluvius Antwerpen 2026 MV energy-related fee 4.137 EUR/MWh, secondary":
        "Fluvius Antwerpen 2026 energiegebonden vergoeding middenspanning 0,004137 EUR/kWh, secundair",
    "Fluvius Antwerpen 2026 MV injection 1.751 EUR/MWh, secondary":
        "Fluvius Antwerpen 2026 injectie middenspanning 0,001751 EUR/kWh, secundair",
    "Fluvius Antwerpen 2026 MV monthly peak, secondary: public grid-fee simulator data file":
        "Fluvius Antwerpen 2026 maandpiek middenspanning, secundair: gegevensbestand van een openbare simulator van "
        "nettarieven",
    "MV connection forfait, Infrax 2015 connection sheet (old, not indexed)":
        "forfait middenspanningsaansluiting, aansluitingsblad Infrax 2015 (oud, niet geïndexeerd)",
    "MV connection minimum 100 kVA, Infrax 2015 sheet": "middenspanningsaansluiting minimaal 100 kVA, blad Infrax 2015",
    "MV connection per kVA, Infrax 2015 sheet (old)": "middenspanningsaansluiting per kVA, blad Infrax 2015 (oud)",
    "MV metering, Infrax 2015 connection sheet (old)": "meting middenspanning, aansluitingsblad Infrax 2015 (oud)",
    "UNVERIFIED: non-residential special excise band 0-20 MWh (mgwsim recollection of FOD Financien table)":
        "NIET GEVERIFIEERD: bijzondere accijns niet-residentieel, schijf 0-20 MWh (tabel van de FOD Financiën uit "
        "het geheugen van mgwsim)",
    "check": "na te kijken",
    "UNVERIFIED: non-residential special excise band 20-50 MWh (recollection)":
        "NIET GEVERIFIEERD: bijzondere accijns niet-residentieel, schijf 20-50 MWh (uit het geheugen)",
    "UNVERIFIED: non-residential special excise band 50-1000 MWh applied to all above 50 MWh (recollection)":
        "NIET GEVERIFIEERD: bijzondere accijns niet-residentieel, schijf 50-1000 MWh, toegepast op alles boven "
        "50 MWh (uit het geheugen)",
    # cost table
    "about 1200 EUR/kWp excl. VAT for 10-40 kWp (VEA solar map assumptions)":
        "ongeveer 1200 EUR/kWp excl. btw voor 10-40 kWp (aannames van de zonnekaart van het VEA)",
    "scale exponent mgwsim assumption": "schaalexponent: aanname van mgwsim",
    "central heat pumps about 1200 EUR/kW installed (2021 study table, secondary)":
        "centrale warmtepompen ongeveer 1200 EUR/kW geïnstalleerd (tabel uit een studie van 2021, secundair)",
    "EV home charger about 1500 EUR + 100 EUR inspection (2022, secondary)":
        "laadpaal thuis ongeveer 1500 EUR + 100 EUR keuring (2022, secundair)",
    "about 400-800 EUR per enlarged radiator installed (energiefluss24.de, Waermepumpe Altbau, 2026; German prices, "
    "secondary)": "ongeveer 400-800 EUR per vergrote radiator, geplaatst (energiefluss24.de, Waermepumpe Altbau, 2026; "
                  "Duitse prijzen, secundair)",
    "300 EUR per kW of output at 75/65/20 (EN 442 standard regime) reads it for radiators of about 1.5-2.5 kW: mgwsim "
    "assumption, not verified for Belgium": "300 EUR per kW afgiftevermogen bij 75/65/20 (standaardregime van EN 442) "
                                           "leest dat voor radiatoren van ongeveer 1,5-2,5 kW: aanname van mgwsim, "
                                           "niet geverifieerd voor België",
    "calculation and setting (German procedure B) 1500-2500 EUR for 6 and 2500-4000 EUR for 12+ apartments, i.e. "
    "about 200-420 EUR per apartment (mannhold-haustechnik.de, 2026), plus presettable valve inserts from about 20 "
    "EUR each (heizungsfinder.de)": "berekening en inregeling (Duitse procedure B) 1500-2500 EUR voor 6 en 2500-4000 "
                                    "EUR voor 12 of meer appartementen, dus ongeveer 200-420 EUR per appartement "
                                    "(mannhold-haustechnik.de, 2026), plus voorinstelbare ventielinzetstukken vanaf "
                                    "ongeveer 20 EUR per stuk (heizungsfinder.de)",
    "400 EUR per apartment (about 300 EUR + 5 valves) is an mgwsim reading of German secondary prices, not verified "
    "for Belgium": "400 EUR per appartement (ongeveer 300 EUR + 5 ventielen) is een lezing door mgwsim van Duitse "
                   "secundaire prijzen, niet geverifieerd voor België",
    "mgwsim assumption (not verified): 550 EUR per usable kWh at 20 kWh excl. VAT, incl. inverter and installation, "
    "read from Belgian residential quotes of 5,500-7,000 EUR incl. installation for a 10 kWh home battery "
    "(leuven-elektricien-be.pages.dev, Business case thuisbatterijen in Belgie, 2026, secondary)":
        "aanname van mgwsim (niet geverifieerd): 550 EUR per bruikbare kWh bij 20 kWh excl. btw, incl. omvormer en "
        "installatie, afgeleid uit Belgische offertes voor woningen van 5.500-7.000 EUR incl. installatie voor een "
        "thuisbatterij van 10 kWh (leuven-elektricien-be.pages.dev, Business case thuisbatterijen in Belgie, 2026, "
        "secundair)",
    "scale exponent and maintenance mgwsim assumptions": "schaalexponent en onderhoud: aannames van mgwsim",
    "mgwsim assumption (not verified): low-temperature or fan-assisted radiators with their fans' wiring, about 700 "
    "EUR per kW of output at 75/65/20": "aanname van mgwsim (niet geverifieerd): lagetemperatuur- of "
                                       "ventilatorconvectoren met de bekabeling van hun ventilatoren, ongeveer 700 EUR "
                                       "per kW afgiftevermogen bij 75/65/20",
    # heat networks, ground and water sources, gas disconnection, connection studies (cost table rows)
    "mgwsim assumption (not verified): dismantling and disposal of a collective gas boiler, its flue liner and gas "
    "piping in the boiler room": "aanname van mgwsim (niet geverifieerd): demontage en afvoer van een collectieve "
                                 "gasketel, zijn rookgaskanaal en de gasleidingen in de stookplaats",
    "mgwsim assumption (not verified): indirect substation (plate exchanger, control valve, heat meter, controls) in "
    "the existing plant room, installed, replacing the boiler":
        "aanname van mgwsim (niet geverifieerd): indirect onderstation (platenwisselaar, regelklep, warmtemeter, "
        "regeling) in de bestaande stookplaats, geplaatst, in de plaats van de ketel",
    "replace it with the network operator's offer": "vervang dit door de offerte van de netbeheerder",
    "mgwsim assumption (not verified): new connection cable from the distribution cabinet and adapted metering "
    "cabinet": "aanname van mgwsim (niet geverifieerd): nieuwe aansluitkabel vanaf de distributiekast en een "
               "aangepaste meterkast",
    "depends on the distance and the local grid": "hangt af van de afstand en het lokale net",
    "Infrax West, Tarieven aansluitingen elektriciteit - laagspanning 2012, 1.1.1: power fee 19.00 EUR excl. VAT "
    "(22.99 incl. 21 %) per kVA above 10 kVA": "Infrax West, Tarieven aansluitingen elektriciteit - laagspanning "
                                              "2012, 1.1.1: vermogensvergoeding 19,00 EUR excl. btw (22,99 incl. "
                                              "21 %) per kVA boven 10 kVA",
    "old, another DSO area (now Fluvius West), not indexed": "oud, een ander netgebied (nu Fluvius West), niet "
                                                              "geïndexeerd",
    "old, not indexed": "oud, niet geïndexeerd",
    "read as excl. VAT": "gelezen als excl. btw",
    "Fluvius Antwerpen tariff list for 2019, 1. Orienterende studie, low voltage (LS), > 100 kVA":
        "tarievenlijst van Fluvius Antwerpen voor 2019, 1. Oriënterende studie, laagspanning (LS), > 100 kVA",
    "Fluvius Antwerpen tariff list for 2019, 2. Detailstudie, low voltage (LS), > 100 kVA":
        "tarievenlijst van Fluvius Antwerpen voor 2019, 2. Detailstudie, laagspanning (LS), > 100 kVA",
    "mgwsim assumption (not verified): no public Fluvius figure found for closing a collective gas connection and "
    "removing its meter": "aanname van mgwsim (niet geverifieerd): geen publiek bedrag van Fluvius gevonden voor het "
                          "afsluiten van een collectieve gasaansluiting en het wegnemen van de meter",
    "Dutch DSOs charged about 600-750 EUR incl. VAT to remove a household connection (2019-2020, press reports)":
        "Nederlandse netbeheerders rekenden ongeveer 600-750 EUR incl. btw aan om een huishoudelijke aansluiting "
        "te verwijderen (2019-2020, persberichten)",
    "mgwsim assumption (not verified): the operator's connection fee (aansluitbijdrage) for a collective building, "
    "service pipe to the facade included": "aanname van mgwsim (niet geverifieerd): de aansluitbijdrage van de "
                                           "netbeheerder voor een collectief gebouw, de dienstleiding tot aan de gevel "
                                           "inbegrepen",
    "operator- and distance-specific: give the connection fee of the operator's offer in the study":
        "afhankelijk van de netbeheerder en de afstand: geef in de studie de aansluitbijdrage uit de offerte van de "
        "netbeheerder",
    "mgwsim assumption: a surface-water intake and return (screen, pump, filter, plate exchanger, piping to the plant "
    "room) about 20,000 EUR for 50 kW (not verified)":
        "aanname van mgwsim: een inname en lozing van oppervlaktewater (rooster, pomp, filter, platenwisselaar, "
        "leidingen tot de stookplaats) ongeveer 20.000 EUR voor 50 kW (niet geverifieerd)",
    "mgwsim assumption: an open groundwater well doublet (production and injection well, pumps, plate exchanger, "
    "hydrogeological study and permit) about 25,000 EUR for 50 kW (not verified)":
        "aanname van mgwsim: een open grondwaterdoublet (productie- en injectieput, pompen, platenwisselaar, "
        "hydrogeologische studie en vergunning) ongeveer 25.000 EUR voor 50 kW (niet geverifieerd)",
    'secondary: German consumer cost guides (listando.de "Was kostet eine Bohrung für Erdwärme", kostencheck.de '
    '"Erdwärme-Tiefenbohrung") quote 50-100 EUR per metre drilled, grouted and with the probe':
        'secundair: Duitse kostengidsen voor consumenten (listando.de "Was kostet eine Bohrung für Erdwärme", '
        'kostencheck.de "Erdwärme-Tiefenbohrung") noemen 50-100 EUR per geboorde meter, aangevuld en met de sonde',
    "60 EUR/m, the lower end for a collective field, is an mgwsim assumption, not verified for Flanders (ask a "
    "driller)": "60 EUR/m, de onderkant voor een collectief veld, is een aanname van mgwsim, niet geverifieerd voor "
                "Vlaanderen (vraag het een boorbedrijf)",
    "mgwsim assumption: collective condensing boiler incl. flue adaptation (not verified)":
        "aanname van mgwsim: collectieve condensatieketel incl. aanpassing van de rookgasafvoer (niet geverifieerd)",
    "mgwsim assumption: collectors, pumps, piping, controls in the boiler room (not verified)":
        "aanname van mgwsim: collectoren, pompen, leidingen en regeling in de stookplaats (niet geverifieerd)",
    "mgwsim assumption: dynamic load management controller and metering (not verified)":
        "aanname van mgwsim: regelaar voor dynamisch lastbeheer en meting (niet geverifieerd)",
    "mgwsim assumption: electric flow heater or electrode boiler in the boiler room, installed, about 40-80 EUR/kW "
    "(not verified)": "aanname van mgwsim: elektrische doorstroomverwarmer of elektrodeketel in de stookplaats, "
                      "geplaatst, ongeveer 40-80 EUR/kW (niet geverifieerd)",
    "mgwsim assumption: enamelled/stainless DHW storage with heat exchanger (not verified)":
        "aanname van mgwsim: geëmailleerd of roestvrijstalen warmwatervat met warmtewisselaar (niet geverifieerd)",
    "mgwsim assumption: external insulation (ETICS) incl. scaffolding (not verified)":
        "aanname van mgwsim: buitengevelisolatie (ETICS) incl. stelling (niet geverifieerd)",
    "mgwsim assumption: flat-roof insulation with new membrane (not verified)":
        "aanname van mgwsim: isolatie van het platte dak met nieuwe dakbedekking (niet geverifieerd)",
    "mgwsim assumption: insulated steel buffer incl. installation (not verified)":
        "aanname van mgwsim: geïsoleerd stalen buffervat incl. plaatsing (niet geverifieerd)",
    "mgwsim assumption: removing and reinstalling roof PV for roof works, 150-300 EUR/kWp as installers quote it (not "
    "verified; the same figure as the lock-in check of PV laid before the roof works)":
        "aanname van mgwsim: zonnepanelen op het dak demonteren en herplaatsen voor dakwerken, 150-300 EUR/kWp zoals "
        "installateurs het offreren (niet geverifieerd; hetzelfde cijfer als de lock-in-toets van zonnepanelen die "
        "vóór de dakwerken gelegd worden)",
    "mgwsim assumption: spray or board insulation under the ground floor / cellar ceiling (not verified)":
        "aanname van mgwsim: spuit- of plaatisolatie onder de gelijkvloerse vloer / het kelderplafond (niet "
        "geverifieerd)",
    "mgwsim assumption: switchboard, cabling and protection per kW of new electrical load (not verified)":
        "aanname van mgwsim: verdeelbord, bekabeling en beveiliging per kW nieuwe elektrische last (niet "
        "geverifieerd)",
    "mgwsim assumption: unit price similar to air-water": "aanname van mgwsim: eenheidsprijs vergelijkbaar met "
                                                          "lucht/water",
    "boreholes in a separate row (not verified)": "boringen in een aparte rij (niet geverifieerd)",
    "mgwsim assumption: vertical borehole 50-70 EUR/m drilled and grouted (not verified)":
        "aanname van mgwsim: verticale boring 50-70 EUR/m, geboord en aangevuld (niet geverifieerd)",
    "mgwsim assumption: window replacement with HR++ glazing, frame included (not verified)":
        "aanname van mgwsim: vervanging van de ramen door HR++-beglazing, schrijnwerk inbegrepen (niet geverifieerd)",
    # design temperature
    "mgwsim estimate (inland Flanders taken equal to Uccle)": "schatting van mgwsim (binnenland van Vlaanderen "
                                                               "gelijkgesteld aan Ukkel)",
    "NOT read from NBN EN 12831-1 ANB:2020 - verify": "NIET gelezen uit NBN EN 12831-1 ANB:2020 - na te kijken",
}

_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"(\S+): TABULA/EPISCOPE Belgian typology \(VITO\), CC BY 4\.0 — (\S+)",
     r"\1: Belgische TABULA/EPISCOPE-typologie (VITO), CC BY 4.0 — \2"),
    (r"([^;]+?) \(embedded default\)", r"\1 (ingebouwd standaardjaar)"),
    (r"local calendar year (\d{4}) \((.+?)\)", r"lokaal kalenderjaar \1 (\2)"),
    (r"(\d+) step\(s\) from (\S+ \S+) taken from the same instant one year later \(a typical year wraps\), "
     r"used for ([^;]+)", r"\1 tijdstap(pen) vanaf \2 overgenomen van hetzelfde tijdstip een jaar later (een typisch "
                       r"jaar loopt rond), gebruikt voor \3"),
    (r"used for ([^;]+)", r"gebruikt voor \1"),
    (r"municipality table (\S+) \(low confidence; to be checked against NBN EN 12831-1 ANB:2020\), municipality ([^;]+)",
     r"gemeentetabel \1 (weinig betrouwbaar; na te kijken tegen NBN EN 12831-1 ANB:2020), gemeente \2"),
    (r"NOT read from NBN EN 12831-1 ANB:2020 - verify((?: \(\d{4}\))*) \(low\)",
     r"NIET gelezen uit NBN EN 12831-1 ANB:2020 - na te kijken\1 (weinig betrouwbaar)"),
    (r"(data/\S+/README\.md)", r"\1"),
)

_YEARS = re.compile(r"((?: \(\d{4}\))+)$")


def _split(text: str) -> list[str]:
    """``text`` split at the "; " that stand outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += char == "("
        depth -= char == ")"
        if depth <= 0 and text.startswith("; ", i):
            parts.append(text[start:i])
            start = i + 2
    return [*parts, text[start:]]


def _part(text: str) -> str | None:
    """One note or part of a note in Dutch (its trailing years kept), None when the catalogue lacks it."""
    match = _YEARS.search(text)
    years = match.group(1) if match else ""
    core = text[: len(text) - len(years)] if years else text
    if core in _LITERAL:
        return _LITERAL[core] + years
    for pattern, dutch in _PATTERNS:
        found = re.fullmatch(pattern, core)
        if found:
            return found.expand(dutch) + years
    return None


def source_note(text, language: str) -> tuple[str, bool]:
    """A data file's source note in ``language`` and whether it is in that language: in English as written; in
    Dutch from the catalogue, whole or part by part (``"; "``-separated), or as written (False) when a part
    is missing."""
    text = str(text)
    if language != "nl" or not text or text == "–":
        return text, language != "nl"
    whole = _part(text)
    if whole is not None:
        return whole, True
    parts = [_part(p) for p in _split(text)]
    if all(p is not None for p in parts):
        return "; ".join(parts), True
    return text, False


__all__ = ["source_note"]
