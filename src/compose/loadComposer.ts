// Builds the message composer the configuration names: the template files of `templates.dir`
// (default: the shipped config/templates), validated now so that a bad template stops the start.

import { join } from 'node:path';
import type { PushflowConfig } from '../config/schema.js';
import { projectRoot } from '../config/projectRoot.js';
import { MessageComposer } from './messageComposer.js';
import { loadTemplateDir } from './templateFiles.js';

export function templatesDir(config: PushflowConfig): string {
  return config.templates.dir ?? join(projectRoot(), 'config', 'templates');
}

/** Loads and validates the templates; throws TemplateError naming the file and line. */
export function loadComposer(config: PushflowConfig): MessageComposer {
  const { templates } = config;
  return new MessageComposer(loadTemplateDir(templatesDir(config), templates.fallbackLocale), templates);
}
