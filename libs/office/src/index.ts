// Code that drives LibreOffice and that the Word agent also ships: no imports beyond Node's own,
// because the agent's package carries this lib compiled in its node_modules (scripts/build.js).
export * from './uno-bridge';
