# ruff: noqa: I001, UP031  (kept verbatim from the PyWebIO manual, only the imports changed)
# A simple script to calculate BMI
from pywebio_nb import start_server
from pywebio_nb.input import input, FLOAT
from pywebio_nb.output import put_text


def bmi():
    height = input("Input your height(cm)", type=FLOAT)
    weight = input("Input your weight(kg)", type=FLOAT)

    BMI = weight / (height / 100) ** 2

    top_status = [
        (16, "Severely underweight"),
        (18.5, "Underweight"),
        (25, "Normal"),
        (30, "Overweight"),
        (35, "Moderately obese"),
        (float("inf"), "Severely obese"),
    ]

    for top, status in top_status:
        if BMI <= top:
            put_text("Your BMI: %.1f. Category: %s" % (BMI, status))
            break


if __name__ == "__main__":
    start_server(bmi, port=8080)
