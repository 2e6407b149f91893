"""A papermill engine that writes the executed notebook when it starts and ends, not per cell."""

from __future__ import annotations

from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

ENGINE_NAME = "claimscope"


class _Manager(NotebookExecutionManager):
    """Papermill's bookkeeping, saving only at the notebook's start and end.

    Papermill otherwise validates and writes the whole notebook before and after every cell
    (a dozen writes of a notebook with its charts). A run that raises (a timed-out or killed
    report) writes its end here, so it still leaves which cell started and which one failed;
    one that returns is written once, by papermill.
    """

    _quiet = False

    def save(self, **kwargs) -> None:
        """Write the notebook, except in the middle of a run."""
        if self._quiet:
            self.last_save_time = self.now()
            return
        super().save(**kwargs)

    def cell_start(self, cell, cell_index=None, **kwargs) -> None:
        """Mark the cell started, without writing."""
        self._quiet = True
        try:
            super().cell_start(cell, cell_index, **kwargs)
        finally:
            self._quiet = False

    def cell_complete(self, cell, cell_index=None, **kwargs) -> None:
        """Mark the cell done, without writing."""
        self._quiet = True
        try:
            super().cell_complete(cell, cell_index, **kwargs)
        finally:
            self._quiet = False


class Engine(NBClientEngine):
    """nbclient, as papermill's default engine, with :class:`_Manager`'s writes."""

    @classmethod
    def execute_notebook(
        cls,
        nb,
        kernel_name,
        output_path=None,
        progress_bar=True,
        log_output=False,
        autosave_cell_every=30,
        **kwargs,
    ):
        """Run ``nb`` as papermill's base engine does, with fewer writes."""
        manager = _Manager(
            nb,
            output_path=output_path,
            progress_bar=progress_bar,
            log_output=log_output,
            autosave_cell_every=autosave_cell_every,
        )
        manager.notebook_start()
        try:
            cls.execute_managed_notebook(manager, kernel_name, log_output=log_output, **kwargs)
        except BaseException:
            manager.cleanup_pbar()
            manager.notebook_complete()  # written: papermill writes nothing after an exception
            raise
        manager.cleanup_pbar()
        # Not written: papermill writes the notebook as soon as this returns (on a failed cell,
        # before it raises), so a write here would be the same bytes twice.
        manager._quiet = True
        try:
            manager.notebook_complete()
        finally:
            manager._quiet = False
        return manager.nb


papermill_engines.register(ENGINE_NAME, Engine)
