// Builds us-map.json (shipped beside this script) from the npm package us-atlas (counties-albers-10m.json,
// already projected to Albers USA at 975×610) with topojson-client and d3-geo: one SVG path per state and
// per county, coordinates rounded to 0.1 px. Run once when us-atlas changes:
//   npm install us-atlas@3 topojson-client@3 d3-geo@3
//   node build_map.mjs node_modules/us-atlas/counties-albers-10m.json [OUT.json]
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { feature, mesh } from "topojson-client";
import { geoPath } from "d3-geo";

const source = process.argv[2];
if (!source) { console.error("usage: node build_map.mjs counties-albers-10m.json"); process.exit(2); }
const topo = JSON.parse(readFileSync(source, "utf8"));
const path = geoPath().digits(1);  // identity projection: the file is pre-projected
const states = feature(topo, topo.objects.states).features.map(f => ({ fips: f.id, name: f.properties.name, d: path(f) }));
const counties = feature(topo, topo.objects.counties).features.map(f => ({ fips: f.id, name: f.properties.name, d: path(f) }));
const borders = path(mesh(topo, topo.objects.states, (a, b) => a !== b));
const out = { source: "us-atlas 3 counties-albers-10m.json (U.S. Census Bureau cartographic boundaries)",
              width: 975, height: 610, states, counties, borders };
writeFileSync(process.argv[3] || join(dirname(fileURLToPath(import.meta.url)), "us-map.json"), JSON.stringify(out));
console.log(`${states.length} states, ${counties.length} counties`);
