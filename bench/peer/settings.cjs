// Node-RED settings for the bench's peer run: headless (no editor), quiet, everything on 127.0.0.1.
module.exports = {
  uiHost: '127.0.0.1',
  uiPort: Number(process.env.QT_NODE_RED_PORT),
  httpAdminRoot: false,
  flowFile: 'flow.json',
  credentialSecret: false,
  logging: { console: { level: 'warn', metrics: false, audit: false } },
  externalModules: { autoInstall: false, palette: { allowInstall: false } },
  functionExternalModules: false,
  diagnostics: { enabled: false },
  telemetry: { enabled: false },
}
