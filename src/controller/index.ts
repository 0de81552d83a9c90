export { CONTROLLER_DEFAULTS, Controller, type ControllerOptions } from "./controller.js";
