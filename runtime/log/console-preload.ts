/**
 * The first module of every plugin bundle (packaging/sea-script.ts imports it
 * before the plugin's entry): ES modules run their imports first, so a
 * console.log at the top of a module the plugin imports runs before serve()
 * is ever called, and would otherwise land on stdout ahead of the handshake.
 */
import { captureConsole } from "./console-capture.js";

captureConsole();
