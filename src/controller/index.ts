export { Controller, type ControllerOptions } from "./controller.js";
export { CONTROLLER_DEFAULTS } from "./defaults.js";
