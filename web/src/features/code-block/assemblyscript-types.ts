// The TypeScript service's view of a code block: AssemblyScript's standard library
// declarations (instead of the DOM's and ES's) and Nextra's SDK as the module "nextra".
// Loaded once, the first time a code block editor opens.
import { monaco } from '../code-editor/monaco-setup';
import asStd from 'assemblyscript/std/assembly/index.d.ts?raw';
import sdk from '../../../../sdk/assemblyscript/nextra.d.ts?raw';

let loaded = false;

export function loadAssemblyScriptTypes(): void {
  if (loaded) return;
  loaded = true;
  const ts = monaco.typescript;
  ts.typescriptDefaults.setCompilerOptions({
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.ESNext,
    noLib: true,
    allowNonTsExtensions: true,
    experimentalDecorators: true,
    strict: true,
  });
  ts.typescriptDefaults.addExtraLib(asStd, 'file:///node_modules/assemblyscript/std/assembly/index.d.ts');
  ts.typescriptDefaults.addExtraLib(sdk, 'file:///node_modules/@types/nextra/index.d.ts');
}
