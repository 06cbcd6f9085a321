// Filters the register lists of a form (`data-filter-target`: their ids, separated by spaces) by
// the form's selects. Without JavaScript the form stays hidden and the whole lists are shown.
// Written for styre; no third-party code.
const forms = document.querySelectorAll('form[data-filter-target]');
for (const form of forms) {
  const lists = form.dataset.filterTarget.split(' ').map((id) => document.getElementById(id)).filter(Boolean);
  if (!lists.length) continue;
  const items = lists.flatMap((list) => Array.from(list.children));
  const count = form.querySelector('.count');
  const total = items.length;
  const apply = () => {
    const wanted = {};
    for (const select of form.querySelectorAll('select')) {
      if (select.value) wanted[select.name] = select.value;
    }
    let shown = 0;
    for (const item of items) {
      const match = Object.entries(wanted).every(([key, value]) => item.dataset[key] === value);
      item.hidden = !match;
      if (match) shown += 1;
    }
    if (count) count.textContent = `${shown} / ${total}`;
  };
  form.addEventListener('change', apply);
  form.addEventListener('submit', (event) => event.preventDefault());
  form.hidden = false;
  apply();
}
