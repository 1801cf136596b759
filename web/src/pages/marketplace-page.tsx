import { Empty } from '../components/states';

export function MarketplacePage() {
  return (
    <div className="mx-auto max-w-3xl p-6">
      <h1 className="mb-4 text-2xl font-semibold">Marketplace</h1>
      <Empty title="Coming soon">
        Shared tools, WASM modules and whole flows will be listed here. Until then, build with the built-in nodes and your own
        code blocks.
      </Empty>
    </div>
  );
}
