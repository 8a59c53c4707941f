# nbconvert configuration for notebooks run by the tslab kernel:
#   jupyter nbconvert --config scripts/nbconvert_config.py --to notebook --execute ...
# Keeps each executed cell's execution count. nbclient takes the count from the kernel's
# execute_input message, which tslab never sends; its execute_reply carries the count instead.
c = get_config()  # noqa: F821 (defined by Jupyter when it loads a config file)


def keep_execution_count(cell, cell_index, execute_reply):
    count = execute_reply["content"].get("execution_count")
    if count is not None:
        cell["execution_count"] = count


c.ExecutePreprocessor.on_cell_executed = keep_execution_count
